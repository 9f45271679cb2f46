"""The narrow interface every search engine implements.

Embedded (on-disk BM25 + vectors) is the default; PostgreSQL (full-text + pgvector) serves shared
deployments; a distributed engine would be one more module with these four methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from medcite.models import SourceKind
from medcite.search.intent import Intent


@dataclass(frozen=True)
class Filters:
    kinds: tuple[SourceKind, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    specialty: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.year_min or self.year_max or self.specialty)


@dataclass(frozen=True)
class ChunkInfo:
    """What rerank and citation need about a chunk, without its text."""

    chunk_id: int
    source_id: int
    kind: SourceKind
    year: int | None
    section_path: tuple[str, ...]
    source_title: str
    is_table: bool
    origin: str = ""


class SearchBackend(ABC):
    """Lexical and vector retrieval over the chunks of one knowledge base."""

    @abstractmethod
    def refresh(self) -> None:
        """Bring the index in line with the store (cheap when nothing changed)."""

    @abstractmethod
    def lexical(self, query: str, n: int, filters: Filters) -> list[tuple[int, float]]:
        """(chunk id, score) by BM25, best first."""

    @abstractmethod
    def dense(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity), best first."""

    @abstractmethod
    def info(self, chunk_ids: list[int]) -> dict[int, ChunkInfo]:
        """Rerank metadata for candidate chunks."""

    def roles(self, chunk_ids: list[int]) -> dict[int, dict[Intent, float]]:
        """Passage role cues (search/intent.py) computed when the index was built; the caller
        computes any chunk missing here from its text."""
        return {}

    def vectors(self, chunk_ids: list[int]) -> np.ndarray | None:
        """Stored vectors for chunks (for re-scoring), or None when the backend has none."""
        return None

    @property
    def has_vectors(self) -> bool:
        return False
