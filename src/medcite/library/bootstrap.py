"""Index the starter library into the knowledge base on first use, and keep it in step with the package.

Library topics are stored like any other source, with origin ``library:<relative path>``. Each run
compares the shipped files' content hashes with the stored ones, so a new MedCite release updates
changed topics, drops withdrawn ones and leaves the rest alone. Vectors for the shipped text come
from a pack built by the maintainers (`medcite library build-vectors`), so first use does not spend
minutes encoding on two CPU cores; only text missing from the pack is encoded.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import select

from medcite.answer.answerable import QUERY_KEY_PREFIX, answerable_lines
from medcite.config import Settings
from medcite.ingest.pipeline import embedding_text, ingest_paths, origin_for, prepare_document, store_prepared
from medcite.library import ORIGIN_PREFIX, library_path
from medcite.library.vector_pack import load_vector_pack, save_vector_pack, vector_pack_path
from medcite.search.embeddings import Embedder
from medcite.search.vector_cache import vector_key
from medcite.store import Store
from medcite.store.sources import remove_source
from medcite.store.tables import SourceRow


@dataclass
class LibrarySync:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def library_files(root: Path | None = None) -> dict[str, Path]:
    """Shipped topic files by origin."""
    base = root or library_path()
    if not base.is_dir():
        return {}
    return {f"{ORIGIN_PREFIX}{p.relative_to(base).as_posix()}": p for p in sorted(base.rglob("*.md"))}


def library_texts(settings: Settings, root: Path | None = None) -> list[str]:
    """Every text the embedder sees for the shipped library, in a stable order."""
    texts: list[str] = []
    for origin, path in library_files(root).items():
        doc = prepare_document(path, path.read_bytes(), settings, origin=origin)
        texts.extend(embedding_text(doc.meta.title, c) for c in doc.chunks)
    return texts


def build_vector_pack(settings: Settings, embedder: Embedder, root: Path | None = None) -> tuple[Path, int]:
    """Encode the shipped library and its known questions and write the pack next to it (a maintainer
    step before a release); vectors already in the pack are reused."""
    known = load_vector_pack(vector_pack_path(root), embedder.name)
    passages, encoded = _vectors(
        library_texts(settings, root), "", embedder.embed_passages, known, embedder.name
    )
    # the questions each advice line answers (`answerable`), compared with the asked question as queries
    questions = sorted(
        {q for path in library_files(root).values() for e in answerable_lines(path) for q in e.questions}
    )
    asked, encoded_questions = _vectors(
        questions, QUERY_KEY_PREFIX, embedder.embed_queries, known, embedder.name
    )
    topics = {
        origin: [
            vector_key(embedder.name, QUERY_KEY_PREFIX + q)
            for e in answerable_lines(path)
            for q in e.questions
        ]
        for origin, path in library_files(root).items()
    }
    path = vector_pack_path(root)
    save_vector_pack(path, embedder.name, passages, asked, embedder.dim, topics)
    return path, encoded + encoded_questions


def _vectors(
    texts: list[str],
    prefix: str,
    encode: Callable[[list[str]], np.ndarray],
    known: dict[str, np.ndarray],
    model: str,
) -> tuple[dict[str, np.ndarray], int]:
    """`vector_key(model, prefix + text)` -> vector for each text, and how many had to be encoded (those
    not `known`; each distinct text once)."""
    keys = [vector_key(model, prefix + t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        known.update(zip((k for k, _ in missing), encode([t for _, t in missing]), strict=True))
    return {k: known[k] for k in keys}, len(missing)


def ensure_library(
    store: Store,
    settings: Settings,
    embedder: Embedder | None,
    on_topic: Callable[[str], None] | None = None,
    root: Path | None = None,
) -> LibrarySync:
    """Make the stored library match the shipped one (or remove it when the library is disabled)."""
    started = time.perf_counter()
    sync = LibrarySync()
    shipped = library_files(root) if settings.library.enabled else {}
    with store.session() as s:
        stored = {
            origin: (sid, digest)
            for sid, origin, digest in s.execute(
                select(SourceRow.id, SourceRow.origin, SourceRow.content_hash).where(
                    SourceRow.origin.startswith(ORIGIN_PREFIX)
                )
            )
        }
    for origin, (source_id, _) in stored.items():
        if origin not in shipped:
            remove_source(store, source_id)
            sync.removed.append(origin)
    pack: dict[str, np.ndarray] | None = None
    for origin, path in shipped.items():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if origin in stored and stored[origin][1] == digest:
            sync.unchanged += 1
            continue
        if pack is None:
            pack = load_vector_pack(vector_pack_path(root), embedder.name) if embedder else {}
        doc = prepare_document(path, data, settings, origin=origin)
        store_prepared(store, doc, embedder, known_vectors=pack)
        (sync.updated if origin in stored else sync.added).append(origin)
        if on_topic is not None:
            on_topic(origin)
    sync.seconds = time.perf_counter() - started
    return sync


def sync_local_folders(store: Store, settings: Settings, embedder: Embedder | None) -> LibrarySync:
    """Keep the configured local protocol folders in the knowledge base: new and changed files are
    ingested, files deleted from a folder are removed from the knowledge base."""
    started = time.perf_counter()
    sync = LibrarySync()
    folders = [f for f in settings.library.local_folders if f.is_dir()]
    if not folders:
        return sync
    report = ingest_paths(folders, store, settings, embedder)
    for outcome in report.outcomes:
        if outcome.status == "added":
            sync.added.append(outcome.path)
        elif outcome.status == "replaced":
            sync.updated.append(outcome.path)
        elif outcome.status == "unchanged":
            sync.unchanged += 1
    prefixes = tuple(origin_for(f) + "/" for f in folders)
    with store.session() as s:
        stored = s.execute(select(SourceRow.id, SourceRow.origin)).all()
    for source_id, origin in stored:
        if origin.startswith(prefixes) and not Path(origin).exists():
            remove_source(store, source_id)
            sync.removed.append(origin)
    sync.seconds = time.perf_counter() - started
    return sync
