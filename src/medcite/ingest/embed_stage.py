"""The embedding stage of ingest: encode every chunk that lacks a vector, in large sorted batches.

Ingest stores each file first (text, chunks, and any vector it can reuse) so BM25 search works at
once; this stage then fills in the missing vectors. Encoding per file meant batches of about two
MedQuAD chunks; here chunks from many files are encoded together, sorted by length so a batch pads
little, and written back a window at a time. The work list is "chunks stored for this model that
have no vector yet", so an interrupted run loses at most one window and the next run carries on.
Chunks stored without embeddings (`--no-embed`) are not on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from medcite.search.embeddings import Embedder
from medcite.search.vector_cache import vector_key
from medcite.store import Store
from medcite.store.sources import chunks_without_vectors, count_chunks_without_vectors, store_vectors

WINDOW = 2048  # chunks read, encoded and committed together: the most an interruption can lose
REUSE_LIMIT = 100_000  # vectors kept in memory for text repeated across windows


@dataclass
class EmbeddingReport:
    pending: int = 0  # chunks without a vector when the stage started
    encoded: int = 0  # texts run through the model
    stored: int = 0  # chunks that received a vector
    seconds: float = 0.0


def passage_text(title: str, section_path: tuple[str, ...], text: str) -> str:
    """What the dense model sees: the source title and section give a chunk its topic."""
    section = " > ".join(section_path)
    head = f"{title}. {section}." if section and section != title else f"{title}."
    return f"{head} {text}"


def embed_pending(
    store: Store,
    embedder: Embedder,
    max_chars: int | None = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    window: int = WINDOW,
) -> EmbeddingReport:
    """Encode and store vectors for every chunk in the knowledge base waiting for one from `embedder`.

    `progress(done, total)` is called after each window is committed. Each window is its own
    transaction (and knowledge-base version), so search picks up vectors as they land.
    """
    started = time.perf_counter()
    report = EmbeddingReport(pending=count_chunks_without_vectors(store, embedder.name))
    limit = max_chars or embedder.max_chars
    known: dict[str, np.ndarray] = {}
    after_id = 0
    done = 0
    while True:
        chunks = chunks_without_vectors(store, embedder.name, after_id, window)
        if not chunks:
            break
        after_id = chunks[-1].chunk_id
        texts = [passage_text(c.source_title, c.section_path, c.text)[:limit] for c in chunks]
        keys = [vector_key(embedder.name, t) for t in texts]
        fresh: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in known:
                fresh.setdefault(key, text)
        if fresh:
            vectors = embedder.embed_passages(list(fresh.values()), batch_size=batch_size, max_chars=limit)
            if len(known) > REUSE_LIMIT:
                known.clear()
            known.update(zip(fresh, vectors, strict=True))
            report.encoded += len(fresh)
        report.stored += store_vectors(
            store, embedder.name, [(c, known[k]) for c, k in zip(chunks, keys, strict=True)]
        )
        done += len(chunks)
        if progress is not None:
            progress(done, max(report.pending, done))
    report.seconds = time.perf_counter() - started
    return report
