"""Load a BEIR corpus into a MedCite knowledge base through the real ingest steps.

Each corpus document becomes one source (its title as the source title), chunked, classified
and embedded exactly as `medcite ingest` does, so evaluation measures what users get. The built
knowledge base is kept in a cache folder keyed by corpus hash and recipe and reused next time.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from medcite.config import Settings, load_settings
from medcite.eval.beir import BeirDataset
from medcite.eval.vector_cache import VectorCache, cached_passage_vectors
from medcite.ingest.chunking import chunk_sections
from medcite.ingest.classify import classify_kind
from medcite.ingest.pipeline import embedding_text
from medcite.models import ParsedDocument, Section, SourceMeta
from medcite.search.embeddings import get_embedder
from medcite.store import Store
from medcite.store.sources import replace_source
from medcite.store.tables import ChunkRow, SourceRow

ORIGIN_PREFIX = "beir:"
RECIPE_VERSION = 1


@dataclass
class EvalKnowledgeBase:
    settings: Settings
    store: Store
    chunk_to_doc: dict[int, str]
    timings: dict[str, float]
    reused: bool


def _recipe(settings: Settings, embed_chars: int | None) -> str:
    embed = f"{settings.search.embedder}-c{embed_chars}" if embed_chars else "noembed"
    return (
        f"v{RECIPE_VERSION}-t{settings.ingest.chunk_target_chars}-m{settings.ingest.chunk_max_chars}-{embed}"
    )


def build_knowledge_base(
    dataset: BeirDataset,
    cache_root: Path,
    embed_chars: int | None,
    progress: Callable[[str, int, int], None] | None = None,
    embedder: str = "e5-small",
) -> EvalKnowledgeBase:
    """A knowledge base holding the data set's corpus; `embed_chars` None means BM25 only."""
    options: dict[str, Any] = {"ingest": {"embed": bool(embed_chars)}, "search": {"embedder": embedder}}
    base = load_settings(data_dir=cache_root / "tmp", **options)
    recipe = _recipe(base, embed_chars)
    data_dir = cache_root / "kb" / f"{dataset.name}-{dataset.corpus_hash[:12]}-{recipe}"
    settings = load_settings(data_dir=data_dir, **options)
    marker = data_dir / "complete.json"
    timings: dict[str, float] = {}
    reused = marker.is_file()
    if not reused:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        timings = _ingest(dataset, settings, cache_root, embed_chars, progress)
        marker.write_text(json.dumps({"documents": len(dataset.corpus), "timings": timings}))
    else:
        timings = dict(json.loads(marker.read_text()).get("timings", {}))
    store = Store(settings.database_url)
    return EvalKnowledgeBase(settings, store, _chunk_map(store), timings, reused)


def _ingest(
    dataset: BeirDataset,
    settings: Settings,
    cache_root: Path,
    embed_chars: int | None,
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, float]:
    started = time.perf_counter()
    docs = list(dataset.corpus.values())
    prepared = []
    for doc in docs:
        title = doc.title or doc.doc_id
        parsed = ParsedDocument(
            meta=SourceMeta(title=title), sections=[Section(path=(), text=doc.text)], format="text"
        )
        chunked = chunk_sections(
            parsed.sections, settings.ingest.chunk_target_chars, settings.ingest.chunk_max_chars
        )
        prepared.append((doc, parsed, chunked, classify_kind(parsed)))
    timings = {"parse_chunk_s": time.perf_counter() - started}

    vectors: list[np.ndarray | None] = [None] * len(prepared)
    embedder_name = None
    if embed_chars:
        t = time.perf_counter()
        embedder = get_embedder(settings.search.embedder)
        embedder_name = embedder.name
        texts = [embedding_text(p[1].meta.title, c) for p in prepared for c in p[2].chunks]
        cache = VectorCache(cache_root / "vectors" / embedder.name, embedder.dim)
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            if progress is not None:
                progress("embed", done[0], len(texts))

        matrix = cached_passage_vectors(embedder, texts, cache, embed_chars, progress=tick)
        at = 0
        for i, p in enumerate(prepared):
            vectors[i] = matrix[at : at + len(p[2].chunks)]
            at += len(p[2].chunks)
        timings["embed_s"] = time.perf_counter() - t
        timings["embedded_chunks"] = float(len(texts))

    t = time.perf_counter()
    store = Store(settings.database_url)
    try:
        for i, (doc, parsed, chunked, kind) in enumerate(prepared):
            if not chunked.chunks:
                continue
            replace_source(
                store,
                origin=f"{ORIGIN_PREFIX}{doc.doc_id}",
                content_hash=f"beir-{doc.doc_id}",
                fmt="text",
                meta=parsed.meta,
                kind=kind,
                kind_overridden=False,
                text=chunked.text,
                chunks=chunked.chunks,
                embeddings=vectors[i],
                embedding_model=embedder_name,
            )
            if progress is not None and (i + 1) % 500 == 0:
                progress("store", i + 1, len(prepared))
    finally:
        store.dispose()
    timings["store_s"] = time.perf_counter() - t
    timings["documents"] = float(len(prepared))
    timings["chunks"] = float(sum(len(p[2].chunks) for p in prepared))
    return timings


def _chunk_map(store: Store) -> dict[int, str]:
    with store.session() as s:
        rows = s.execute(select(ChunkRow.id, SourceRow.origin).join(SourceRow)).all()
    return {cid: origin.removeprefix(ORIGIN_PREFIX) for cid, origin in rows}
