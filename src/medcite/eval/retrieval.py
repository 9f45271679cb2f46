"""Run retrieval systems over a BEIR data set and score them with the standard metrics.

MedCite's systems go through the real pipeline: the corpus is ingested as sources into a cached
knowledge base, then each query runs `SearchService.retrieve` + `SearchService.rank` (what
`search()` does before fetching passage text). Chunk rankings become document rankings by each
document's best chunk. The bm25s baseline runs in the same process so ratios compare like with like.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medcite.errors import InputError
from medcite.eval.baseline import bm25s_baseline
from medcite.eval.beir import BeirDataset
from medcite.eval.kb import EvalKnowledgeBase, build_knowledge_base
from medcite.eval.metrics import METRICS, mean_scores, score_query
from medcite.eval.vector_cache import VectorCache, cached_query_vectors
from medcite.search.embeddings import get_embedder
from medcite.search.service import Mode, RankingParams, SearchService

MEDCITE_SYSTEMS: dict[str, Mode] = {"bm25": "bm25", "dense": "dense", "hybrid": "hybrid"}
BASELINE = "baseline-bm25s"
SYSTEMS = (*MEDCITE_SYSTEMS, BASELINE)
DEFAULT_EMBED_CHARS = 300
CHUNKS_PER_QUERY = 200  # enough chunks for about 100 distinct documents (recall@100)


def dev_split(query_id: str, share: int = 5) -> bool:
    """A fixed, order-independent 20% of query ids used for tuning; the rest is held out."""
    return int(hashlib.sha1(query_id.encode()).hexdigest(), 16) % share == 0


@dataclass
class SystemResult:
    name: str
    per_query: dict[str, dict[str, float]]
    seconds: float

    def metrics(self, query_ids: Sequence[str] | None = None) -> dict[str, float]:
        ids = self.per_query.keys() if query_ids is None else query_ids
        return mean_scores([self.per_query[q] for q in ids])


@dataclass
class RetrievalReport:
    dataset: str
    documents: int
    chunks: int
    queries: list[str]
    systems: list[SystemResult]
    baseline: str | None
    ingest: dict[str, float] = field(default_factory=dict)
    settings: dict[str, object] = field(default_factory=dict)

    def splits(self) -> dict[str, list[str]]:
        dev = [q for q in self.queries if dev_split(q)]
        test = [q for q in self.queries if not dev_split(q)]
        return {"all": self.queries, "dev": dev, "test": test}

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "dataset": self.dataset,
            "documents": self.documents,
            "chunks": self.chunks,
            "queries": len(self.queries),
            "baseline": self.baseline,
            "ingest": self.ingest,
            "settings": self.settings,
        }
        splits = self.splits()
        base = next((s for s in self.systems if s.name == self.baseline), None)
        table = {}
        for system in self.systems:
            entry: dict[str, object] = {"seconds": round(system.seconds, 2)}
            for split, ids in splits.items():
                if not ids:
                    continue
                scores = system.metrics(ids)
                entry[split] = {m: round(v, 4) for m, v in scores.items()}
                if base is not None:
                    ref = base.metrics(ids)
                    entry[f"{split}_ratio"] = {
                        m: round(scores[m] / ref[m], 3) if ref[m] else None for m in METRICS
                    }
            table[system.name] = entry
        out["systems"] = table
        return out


def doc_ranking(chunk_ranking: Sequence[tuple[int, float]], chunk_to_doc: dict[int, str]) -> list[str]:
    """Documents in order of their best chunk."""
    seen: dict[str, None] = {}
    for cid, _ in chunk_ranking:
        doc = chunk_to_doc.get(cid)
        if doc is not None and doc not in seen:
            seen[doc] = None
    return list(seen)


def run_medcite_system(
    kb: EvalKnowledgeBase,
    dataset: BeirDataset,
    query_ids: Sequence[str],
    mode: Mode,
    query_vectors: np.ndarray | None,
    params: RankingParams | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, list[str]]:
    service = SearchService(kb.settings, kb.store, params=params)
    out = {}
    for i, qid in enumerate(query_ids):
        vector = None if query_vectors is None else query_vectors[i]
        retrieval = service.retrieve(dataset.queries[qid], CHUNKS_PER_QUERY, mode=mode, query_vector=vector)
        out[qid] = doc_ranking(service.rank(retrieval, CHUNKS_PER_QUERY), kb.chunk_to_doc)
        if progress is not None and (i + 1) % 500 == 0:
            progress(mode, i + 1, len(query_ids))
    return out


def run_retrieval_eval(
    dataset: BeirDataset,
    systems: Sequence[str],
    cache_root: Path,
    embed_chars: int = DEFAULT_EMBED_CHARS,
    limit_queries: int | None = None,
    params: RankingParams | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    embedder: str = "e5-small",
) -> RetrievalReport:
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise InputError(f"Unknown system {unknown[0]!r}; choose from {', '.join(SYSTEMS)}.")
    query_ids = sorted(dataset.queries)
    if limit_queries:
        query_ids = query_ids[:limit_queries]
    needs_vectors = any(s in ("dense", "hybrid") for s in systems)
    kb = None
    if any(s in MEDCITE_SYSTEMS for s in systems):
        chars = embed_chars if needs_vectors else None
        kb = build_knowledge_base(dataset, cache_root, chars, progress, embedder)
    query_vectors = None
    if kb is not None and needs_vectors:
        model = get_embedder(kb.settings.search.embedder)
        cache = VectorCache(cache_root / "vectors" / model.name, model.dim)
        query_vectors = cached_query_vectors(model, [dataset.queries[q] for q in query_ids], cache)
    results = []
    for name in systems:
        started = time.perf_counter()
        if name == BASELINE:
            rankings = bm25s_baseline(dataset, query_ids)
        else:
            assert kb is not None
            rankings = run_medcite_system(
                kb, dataset, query_ids, MEDCITE_SYSTEMS[name], query_vectors, params, progress
            )
        per_query = {q: score_query(rankings[q], dataset.qrels[q]) for q in query_ids}
        results.append(SystemResult(name, per_query, time.perf_counter() - started))
    if kb is not None:
        kb.store.dispose()
    return RetrievalReport(
        dataset=dataset.name,
        documents=len(dataset.corpus),
        chunks=len(kb.chunk_to_doc) if kb else 0,
        queries=query_ids,
        systems=results,
        baseline=BASELINE if BASELINE in systems else None,
        ingest=kb.timings if kb else {},
        settings={
            "embedder": embedder if needs_vectors else None,
            "embed_chars": embed_chars if needs_vectors else None,
            "chunks_per_query": CHUNKS_PER_QUERY,
            "ranking": repr(params or RankingParams()),
        },
    )
