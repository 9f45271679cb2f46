"""Reuse vectors already computed for identical text, so only new text is encoded.

Encoding is the slow part of ingest (tens of passages per second on two cores). A vector depends
only on the model and the exact text it saw, so it is keyed by a hash of both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from medcite.search.embeddings import Embedder


def vector_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()[:32]


def embed_with_reuse(
    embedder: Embedder,
    texts: Sequence[str],
    known: Mapping[str, np.ndarray],
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` (taking known ones by key) and how many had to be encoded."""
    keys = [vector_key(embedder.name, t) for t in texts]
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing = [i for i, key in enumerate(keys) if key not in known]
    for i, key in enumerate(keys):
        if key in known:
            out[i] = known[key]
    if missing:
        out[missing] = embedder.embed_passages([texts[i] for i in missing], progress=progress)
    return out, len(missing)
