"""Search as the rest of MedCite uses it: expand, retrieve lexically and densely, fuse, rerank."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from medcite.config import Settings
from medcite.errors import InputError
from medcite.models import SearchHit, SourceKind
from medcite.search.backend import Filters, SearchBackend
from medcite.search.embeddings import Embedder, get_embedder
from medcite.search.expansion import Expansion, expand_query
from medcite.search.fusion import reciprocal_rank_fusion
from medcite.search.rerank import RerankWeights, clinical_boost
from medcite.store import Store
from medcite.store.tables import ChunkRow, SourceRow

Mode = Literal["hybrid", "bm25", "dense"]
MAX_QUERY_CHARS = 4000
LOCAL_PRECEDENCE = 1.5  # multiplier for local protocols: enough to lead among on-topic passages


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit]
    expansion: Expansion
    mode: Mode
    timings_ms: dict[str, float] = field(default_factory=dict)


def make_backend(settings: Settings, store: Store) -> SearchBackend:
    embedder_name = settings.search.embedder if settings.ingest.embed else None
    if settings.search.backend == "embedded":
        from medcite.search.embedded import EmbeddedBackend

        return EmbeddedBackend(store, settings.index_dir, embedder_name)
    if settings.search.backend == "postgres":
        from medcite.search.postgres import PostgresBackend

        backend: SearchBackend = PostgresBackend(store, embedder_name)
        return backend
    from medcite.errors import ConfigError

    raise ConfigError(f"Unknown search backend {settings.search.backend!r}; use 'embedded' or 'postgres'.")


class SearchService:
    def __init__(self, settings: Settings, store: Store, backend: SearchBackend | None = None) -> None:
        self.settings = settings
        self.store = store
        self.backend = backend or make_backend(settings, store)
        self.weights = RerankWeights()
        self._embedder: Embedder | None = None
        self._local_prefixes: tuple[str, ...] | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings.search.embedder)
        return self._embedder

    def search(
        self, query: str, k: int | None = None, filters: Filters | None = None, mode: Mode = "hybrid"
    ) -> SearchResult:
        query = " ".join(query.split())
        if not query:
            raise InputError("The query is empty.")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}.")
        k = k or self.settings.search.k
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        self.backend.refresh()
        timings["index"] = _ms(t0)

        expansion = expand_query(query) if self.settings.search.expand_abbreviations else Expansion(query, ())
        n = max(self.settings.search.candidates, k)
        named: dict[str, list[tuple[int, float]]] = {}
        if mode in ("hybrid", "bm25"):
            t = time.perf_counter()
            named["bm25"] = self.backend.lexical(expansion.expanded, n, filters)
            timings["bm25"] = _ms(t)
        if mode in ("hybrid", "dense") and self.backend.has_vectors:
            t = time.perf_counter()
            vector = self.embedder.embed_query(query)
            timings["embed_query"] = _ms(t)
            t = time.perf_counter()
            named["dense"] = self.backend.dense(vector, n, filters)
            timings["dense"] = _ms(t)
        rankings = list(named.values())
        t = time.perf_counter()
        fused = (
            reciprocal_rank_fusion(rankings, k=self.settings.search.rrf_k)
            if len(rankings) > 1
            else (rankings[0] if rankings else [])
        )
        scores = dict(fused)
        candidates = [cid for cid, _ in fused[: max(n, k)]]
        infos = self.backend.info(candidates)
        if self.settings.search.rerank and candidates:
            scores = {
                cid: scores[cid]
                * clinical_boost(infos[cid], self.weights)
                * self._precedence(infos[cid].origin)
                for cid in candidates
                if cid in infos
            }
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        timings["fuse_rerank"] = _ms(t)
        t = time.perf_counter()
        hits = self._hits(ranked, named)
        timings["fetch"] = _ms(t)
        timings["total"] = _ms(t0)
        return SearchResult(query=query, hits=hits, expansion=expansion, mode=mode, timings_ms=timings)

    def _precedence(self, origin: str) -> float:
        """Local protocol folders (settings.library.local_folders) rank above everything else that matches."""
        if self._local_prefixes is None:
            self._local_prefixes = tuple(
                str(Path(os.path.realpath(folder))) + os.sep for folder in self.settings.library.local_folders
            )
        return LOCAL_PRECEDENCE if self._local_prefixes and origin.startswith(self._local_prefixes) else 1.0

    def _hits(
        self, ranked: list[tuple[int, float]], named: dict[str, list[tuple[int, float]]]
    ) -> list[SearchHit]:
        if not ranked:
            return []
        ids = [cid for cid, _ in ranked]
        with self.store.session() as s:
            rows = {
                r[0]: r
                for r in s.execute(
                    select(
                        ChunkRow.id,
                        ChunkRow.source_id,
                        ChunkRow.text,
                        ChunkRow.section_path,
                        SourceRow.title,
                        SourceRow.kind,
                        SourceRow.year,
                        ChunkRow.char_start,
                        ChunkRow.char_end,
                        ChunkRow.page,
                    )
                    .join(SourceRow, SourceRow.id == ChunkRow.source_id)
                    .where(ChunkRow.id.in_(ids))
                )
            }
        per_retriever = {name: dict(ranking) for name, ranking in named.items()}
        hits = []
        for cid, score in ranked:
            r = rows.get(cid)
            if r is None:
                continue
            parts = {name: by_id[cid] for name, by_id in per_retriever.items() if cid in by_id}
            hits.append(
                SearchHit(
                    chunk_id=cid,
                    source_id=r[1],
                    score=score,
                    text=r[2],
                    section_path=tuple(r[3] or ()),
                    source_title=r[4],
                    source_kind=SourceKind(r[5]),
                    year=r[6],
                    char_start=r[7],
                    char_end=r[8],
                    page=r[9],
                    scores=parts,
                )
            )
        return hits


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
