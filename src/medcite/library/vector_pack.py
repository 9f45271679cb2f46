"""The shipped vector pack: embeddings of the starter library's passages and of its topics' known
questions, so that first use and the bottom-line choice need not encode them on the user's machine."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from medcite.library import library_path

VECTOR_PACK = "vectors.npz"


def vector_pack_path(root: Path | None = None) -> Path:
    return (root or library_path()).parent / VECTOR_PACK


def load_vector_pack(path: Path, model: str) -> dict[str, np.ndarray]:
    """Vectors shipped for library text, keyed by `vector_key(model, text)`; empty when absent or
    built with another model."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as pack:
        if str(pack["model"]) != model:
            return {}
        return {str(k): v.astype(np.float32) for k, v in zip(pack["keys"], pack["vectors"], strict=True)}
