"""A disk cache of passage and query vectors, so repeated evaluation runs skip the slow encoder.

Keys are hashes of the exact text the model saw (after truncation) in a folder per model, so
any change to the chunking or text recipe misses the cache instead of returning stale vectors.
Vectors are appended in small shard files: an interrupted encoding run keeps its progress.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from medcite.search.embeddings import Embedder


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, folder: Path, dim: int) -> None:
        self.folder = folder
        self.dim = dim
        self._rows: dict[str, np.ndarray] = {}
        folder.mkdir(parents=True, exist_ok=True)
        for shard in sorted(folder.glob("*.npz")):
            try:
                with np.load(shard) as data:
                    for key, vector in zip(data["keys"].tolist(), data["vectors"], strict=True):
                        self._rows[str(key)] = vector
            except (OSError, ValueError, KeyError):
                shard.unlink(missing_ok=True)  # a shard cut short by a crash: re-encode its texts

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key: str) -> np.ndarray | None:
        return self._rows.get(key)

    def put_many(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        if not len(keys):
            return
        for key, vector in zip(keys, vectors, strict=True):
            self._rows[key] = vector
        name = f"{len(list(self.folder.glob('*.npz'))):06d}-{os.getpid()}"
        tmp = self.folder / f".{name}.tmp.npz"
        np.savez(tmp, keys=np.array(list(keys)), vectors=vectors.astype(np.float32))
        tmp.rename(self.folder / f"{name}.npz")


def cached_passage_vectors(
    embedder: Embedder,
    texts: Sequence[str],
    cache: VectorCache,
    max_chars: int,
    progress: Callable[[int], None] | None = None,
    checkpoint: int = 512,
) -> np.ndarray:
    """Vectors for `texts` (truncated to `max_chars`), encoding only what the cache lacks."""
    seen = [t[:max_chars] for t in texts]
    keys = [text_key(t) for t in seen]
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing: list[int] = []
    for i, key in enumerate(keys):
        vector = cache.get(key)
        if vector is None:
            missing.append(i)
        else:
            out[i] = vector
    if progress is not None and len(texts) > len(missing):
        progress(len(texts) - len(missing))
    for start in range(0, len(missing), checkpoint):
        batch = missing[start : start + checkpoint]
        vectors = embedder.embed_passages([seen[i] for i in batch], progress=progress, max_chars=max_chars)
        cache.put_many([keys[i] for i in batch], vectors)
        out[batch] = vectors
    return out


def cached_query_vectors(embedder: Embedder, queries: Sequence[str], cache: VectorCache) -> np.ndarray:
    """Query vectors (the model's query prefix), cached like passages under a distinct key."""
    keys = [text_key("query\x00" + q) for q in queries]
    out = np.zeros((len(queries), embedder.dim), dtype=np.float32)
    new_keys, new_rows = [], []
    for i, (key, query) in enumerate(zip(keys, queries, strict=True)):
        vector = cache.get(key)
        if vector is None:
            vector = embedder.embed_query(query)
            new_keys.append(key)
            new_rows.append(vector)
        out[i] = vector
    if new_keys:
        cache.put_many(new_keys, np.stack(new_rows))
    return out
