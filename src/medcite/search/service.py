"""Search as the rest of MedCite uses it: expand, retrieve lexically and densely, fuse, rerank."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from sqlalchemy import select

from medcite.config import Settings
from medcite.errors import InputError
from medcite.models import SearchHit, SourceKind
from medcite.search.backend import ChunkInfo, Filters, SearchBackend
from medcite.search.embeddings import Embedder, get_embedder
from medcite.search.expansion import Expansion, expand_query
from medcite.search.fusion import convex_fusion, min_max, reciprocal_rank_fusion
from medcite.search.intent import Intent, QuestionIntent, classify_question, intent_match, passage_roles
from medcite.search.rerank import RerankWeights, clinical_boost
from medcite.store import Store
from medcite.store.tables import ChunkRow, SourceRow

Mode = Literal["hybrid", "bm25", "dense"]
MAX_QUERY_CHARS = 4000
LOCAL_PRECEDENCE = 1.5  # multiplier for local protocols: enough to lead among on-topic passages
CACHE_LIMIT = 200_000
# A topic prior (`SearchService(topic_prior=...)`) maps the query's vector to each source's share of the
# evidence that the query is about it; hybrid search adds TOPIC_PRIOR_WEIGHT times a source's share
# relative to the largest to its passages' scores (reranked scores sit in 0..~1.5). With the starter
# library's known questions as the prior (`answer.topic_router`), the right topic led for 348 of the 386
# open-set questions without it, 373 at 0.5, 376 at 1.0 and 377 at 2.0 (docs/benchmarks.md, eighth round).
TOPIC_PRIOR_WEIGHT = 1.0
TopicPrior = Callable[[np.ndarray], Mapping[int, float]]
LexicalPrior = Callable[[str], Mapping[int, float]]  # the same from the query's words, without vectors


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

        return PostgresBackend(store, embedder_name)
    from medcite.errors import ConfigError

    raise ConfigError(f"Unknown search backend {settings.search.backend!r}; use 'embedded' or 'postgres'.")


@dataclass(frozen=True)
class RankingParams:
    """How candidate lists become one ranking; defaults tuned on a dev split (docs/search.md)."""

    fusion: Literal["rrf", "convex"] = "convex"
    rrf_k: int = 60
    bm25_weight: float = 1.0
    dense_weight: float = 1.5
    weights: RerankWeights = field(default_factory=RerankWeights)


@dataclass
class Retrieval:
    """What the retrievers returned for one query, before fusion and rerank."""

    query: str
    expansion: Expansion
    intent: QuestionIntent
    mode: Mode
    lexical: list[tuple[int, float]] | None
    dense: list[tuple[int, float]] | None
    cosines: dict[int, float]  # the embedder's score for every candidate of either list
    timings_ms: dict[str, float] = field(default_factory=dict)
    vector: np.ndarray | None = None  # the query's embedding, when the dense retriever ran


class SearchService:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        backend: SearchBackend | None = None,
        params: RankingParams | None = None,
        topic_prior: TopicPrior | None = None,
        lexical_prior: LexicalPrior | None = None,
    ) -> None:
        """`topic_prior`: which sources the query is about, from its vector (hybrid mode); `lexical_prior`:
        the same from its words, used by BM25 search and by hybrid search without vectors."""
        self.settings = settings
        self.topic_prior = topic_prior
        self.lexical_prior = lexical_prior
        self.store = store
        self.backend = backend or make_backend(settings, store)
        self.params = params or RankingParams(rrf_k=settings.search.rrf_k)
        self._embedder: Embedder | None = None
        self._local_prefixes: tuple[str, ...] | None = None
        # Per-chunk rerank inputs, valid for one knowledge-base version (chunk ids are stable within it).
        self._cache_version: int | None = None
        self._infos: dict[int, ChunkInfo] = {}
        self._roles: dict[int, dict[Intent, float]] = {}

    @property
    def weights(self) -> RerankWeights:
        return self.params.weights

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings.search.embedder)
        return self._embedder

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
    ) -> SearchResult:
        """`query_vector`: the query's embedding when the caller already has it."""
        k = k or self.settings.search.k
        t0 = time.perf_counter()
        retrieval = self.retrieve(query, max(self.settings.search.candidates, k), filters, mode, query_vector)
        t = time.perf_counter()
        ranked = self.rank(retrieval, k)
        if mode == "hybrid" and self.topic_prior is not None and retrieval.vector is not None:
            ranked = self._with_topic_prior(ranked, self.topic_prior(retrieval.vector))
        elif mode in ("hybrid", "bm25") and self.lexical_prior is not None and retrieval.vector is None:
            ranked = self._with_topic_prior(ranked, self.lexical_prior(retrieval.query))
        timings = dict(retrieval.timings_ms)
        timings["fuse_rerank"] = _ms(t)
        t = time.perf_counter()
        named = {n: r for n, r in (("bm25", retrieval.lexical), ("dense", retrieval.dense)) if r is not None}
        hits = self._hits(ranked, named)
        timings["fetch"] = _ms(t)
        timings["total"] = _ms(t0)
        return SearchResult(
            query=retrieval.query, hits=hits, expansion=retrieval.expansion, mode=mode, timings_ms=timings
        )

    def retrieve(
        self,
        query: str,
        n: int,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None,
    ) -> Retrieval:
        """Run the retrievers: BM25 on the expanded query, the embedder on the user's words."""
        query = " ".join(query.split())
        if not query:
            raise InputError("The query is empty.")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}.")
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t = time.perf_counter()
        self.backend.refresh()
        version = self.store.kb_version()
        if version != self._cache_version or len(self._infos) > CACHE_LIMIT:
            self._cache_version, self._infos, self._roles = version, {}, {}
        timings["index"] = _ms(t)
        expansion = expand_query(query) if self.settings.search.expand_abbreviations else Expansion(query, ())
        lexical = dense = None
        if mode in ("hybrid", "bm25"):
            t = time.perf_counter()
            lexical = self.backend.lexical(expansion.expanded, n, filters)
            timings["bm25"] = _ms(t)
        cosines: dict[int, float] = {}
        vector: np.ndarray | None = None
        if mode in ("hybrid", "dense") and self.backend.has_vectors:
            t = time.perf_counter()
            vector = self.embedder.embed_query(query) if query_vector is None else query_vector
            timings["embed_query"] = _ms(t)
            t = time.perf_counter()
            dense = self.backend.dense(vector, n, filters)
            cosines = dict(dense)
            others = [cid for cid, _ in lexical or [] if cid not in cosines]
            stored = self.backend.vectors(others) if others else None
            if stored is not None:
                cosines.update(zip(others, (stored @ vector).tolist(), strict=True))
            timings["dense"] = _ms(t)
        return Retrieval(
            query, expansion, classify_question(query), mode, lexical, dense, cosines, timings, vector
        )

    def rank(
        self, retrieval: Retrieval, k: int, params: RankingParams | None = None
    ) -> list[tuple[int, float]]:
        """Fuse the lists, then rerank the candidates with clinical and intent features."""
        p = params or self.params
        lists = [r for r in (retrieval.lexical, retrieval.dense) if r is not None]
        if retrieval.lexical is not None and retrieval.dense is not None:
            weights = [p.bm25_weight, p.dense_weight]
            if p.fusion == "rrf":
                fused = reciprocal_rank_fusion(lists, k=p.rrf_k, weights=weights)
            else:
                fused = convex_fusion([dict(retrieval.lexical), retrieval.cosines], weights)
        else:
            fused = lists[0] if lists else []
        n = max(len(retrieval.lexical or ()), len(retrieval.dense or ()), k)
        fused = fused[:n]
        if not fused:
            return []
        if not self.settings.search.rerank:
            return fused[:k]
        # Cosines alone sit in a narrow high band (e5: 0.75-0.9), so they are spread to 0..1 first;
        # BM25 and fused scores have a meaningful zero and keep their proportions.
        dense_only = retrieval.lexical is None
        scores = min_max(dict(fused)) if dense_only else _relative(fused)
        candidates = [cid for cid, _ in fused]
        infos = self._chunk_infos(candidates)
        roles = self._passage_roles(candidates) if p.weights.intent else {}
        reranked: dict[int, float] = {}
        for cid in candidates:
            info = infos.get(cid)
            if info is None:
                continue
            score = scores[cid] * clinical_boost(info, p.weights)
            if cid in roles:
                match = intent_match(retrieval.intent, roles[cid], p.weights.intent_other_penalty)
                gate = p.weights.intent_gate
                score += p.weights.intent * match * ((1 - gate) + gate * scores[cid])
            reranked[cid] = score * self._precedence(info.origin)
        return sorted(reranked.items(), key=lambda item: (-item[1], item[0]))[:k]

    def _with_topic_prior(
        self, ranked: list[tuple[int, float]], shares: Mapping[int, float]
    ) -> list[tuple[int, float]]:
        """The ranking with each passage's score raised by its source's share of the prior, relative to
        the largest. A source the prior knows nothing about (a local protocol without known questions)
        counts as the largest: the prior only orders the sources it has evidence on, and local
        protocols keep their precedence over the library."""
        top = max(shares.values(), default=0.0)
        if top <= 0 or not ranked:
            return ranked
        infos = self._chunk_infos([cid for cid, _ in ranked])
        raised = [
            (cid, score + TOPIC_PRIOR_WEIGHT * shares.get(infos[cid].source_id, top) / top)
            if cid in infos
            else (cid, score)
            for cid, score in ranked
        ]
        return sorted(raised, key=lambda item: (-item[1], item[0]))

    def _precedence(self, origin: str) -> float:
        """Local protocol folders (settings.library.local_folders) rank above what else matches."""
        if self._local_prefixes is None:
            self._local_prefixes = tuple(
                str(Path(os.path.realpath(folder))) + os.sep for folder in self.settings.library.local_folders
            )
        return LOCAL_PRECEDENCE if self._local_prefixes and origin.startswith(self._local_prefixes) else 1.0

    def _chunk_infos(self, chunk_ids: list[int]) -> dict[int, ChunkInfo]:
        missing = [cid for cid in chunk_ids if cid not in self._infos]
        if missing:
            self._infos.update(self.backend.info(missing))
        return {cid: self._infos[cid] for cid in chunk_ids if cid in self._infos}

    def _passage_roles(self, chunk_ids: list[int]) -> dict[int, dict[Intent, float]]:
        """Role cues per candidate (search/intent.py), read or computed once per chunk and version."""
        missing = [cid for cid in chunk_ids if cid not in self._roles]
        if missing:  # precomputed with the index (embedded backend), else from the chunk text
            self._roles.update(self.backend.roles(missing))
            missing = [cid for cid in missing if cid not in self._roles]
        if missing:
            with self.store.session() as s:
                rows = s.execute(select(ChunkRow.id, ChunkRow.text).where(ChunkRow.id.in_(missing))).all()
            for cid, text in rows:
                self._roles[cid] = passage_roles(text)
        return {cid: self._roles[cid] for cid in chunk_ids if cid in self._roles}

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


def _relative(fused: list[tuple[int, float]]) -> dict[int, float]:
    """Scores as a share of the best one (0..1), keeping the gaps; rerank terms scale with it."""
    top = max(score for _, score in fused)
    if top <= 0:  # e.g. only negative cosines: fall back to the spread between best and worst
        return min_max(dict(fused))
    return {cid: max(score, 0.0) / top for cid, score in fused}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
