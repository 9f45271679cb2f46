"""Tune fusion and rerank on the dev split (a fixed 20% of query ids), then report dev and test.

Retrieval runs once per query and mode; each candidate setting only re-runs fusion + rerank
(`SearchService.rank`), so a grid costs seconds per point. Usage:
    python bench/tune_retrieval.py DATASET_DIR --mode hybrid --embed-chars 300
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from medcite.eval.beir import load_beir
from medcite.eval.kb import build_knowledge_base
from medcite.eval.metrics import mean_scores, score_query
from medcite.eval.retrieval import CHUNKS_PER_QUERY, dev_split, doc_ranking
from medcite.eval.vector_cache import VectorCache, cached_query_vectors
from medcite.search.embeddings import get_embedder
from medcite.search.rerank import RerankWeights
from medcite.search.service import RankingParams, SearchService


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--mode", default="hybrid", choices=["bm25", "dense", "hybrid"])
    parser.add_argument("--embed-chars", type=int, default=300)
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).parent / ".cache")
    parser.add_argument("--grid", default="intent", help="intent | fusion | full")
    parser.add_argument("--max-dev", type=int, default=0, help="Tune on at most this many dev queries")
    parser.add_argument("--k1", type=float, default=None, help="BM25 k1 (rebuilds a side index)")
    parser.add_argument("--b", type=float, default=None, help="BM25 b (rebuilds a side index)")
    parser.add_argument("--intent", type=float, default=0.0, help="Base intent weight for the grid")
    parser.add_argument("--penalty", type=float, default=0.5)
    parser.add_argument("--gate", type=float, default=0.0)
    parser.add_argument("--dev-only", action="store_true", help="Retrieve and score dev queries only")
    args = parser.parse_args()

    data = load_beir(args.dataset)
    chars = args.embed_chars if args.mode != "bm25" else None
    kb = build_knowledge_base(data, args.cache_dir, chars, embedder=args.embedder)
    backend = None
    if args.k1 is not None or args.b is not None:
        from medcite.search.embedded import EmbeddedBackend

        k1, b = args.k1 or 0.9, args.b if args.b is not None else 0.4
        side = args.cache_dir / "side-index" / f"{kb.settings.data_dir.name}-k{k1}-b{b}"
        embedder_name = kb.settings.search.embedder if args.mode != "bm25" else None
        backend = EmbeddedBackend(kb.store, side, embedder_name, k1=k1, b=b)
    service = SearchService(kb.settings, kb.store, backend=backend)
    ids = sorted(data.queries)
    dev = [q for q in ids if dev_split(q)]
    test = [q for q in ids if not dev_split(q)]
    tune_ids = dev[: args.max_dev] if args.max_dev else dev
    if args.dev_only:
        ids, test = dev, []
    vectors = None
    if args.mode != "bm25":
        embedder = get_embedder(kb.settings.search.embedder)
        cache = VectorCache(args.cache_dir / "vectors" / embedder.name, embedder.dim)
        vectors = dict(
            zip(ids, cached_query_vectors(embedder, [data.queries[q] for q in ids], cache), strict=True)
        )
    started = time.perf_counter()
    retrievals = {
        q: service.retrieve(
            data.queries[q],
            CHUNKS_PER_QUERY,
            mode=args.mode,
            query_vector=None if vectors is None else vectors[q],
        )
        for q in ids
    }
    print(f"retrieved {len(ids)} queries in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    def evaluate(params: RankingParams, qids: list[str]) -> dict[str, float]:
        return mean_scores(
            [
                score_query(
                    doc_ranking(service.rank(retrievals[q], CHUNKS_PER_QUERY, params), kb.chunk_to_doc),
                    data.qrels[q],
                )
                for q in qids
            ]
        )

    base = RankingParams(
        weights=RerankWeights(intent=args.intent, intent_other_penalty=args.penalty, intent_gate=args.gate)
    )
    grid: list[RankingParams] = [base]
    if args.grid in ("fusion", "full") and args.mode == "hybrid":
        for rrf_k, wd in itertools.product((10, 30, 60, 100), (0.5, 1.0, 1.5)):
            grid.append(replace(base, fusion="rrf", rrf_k=rrf_k, dense_weight=wd, weights=base.weights))
        for wd in (0.3, 0.5, 0.7, 1.0, 1.5, 2.0):
            grid.append(replace(base, fusion="convex", dense_weight=wd, weights=base.weights))
    if args.grid in ("intent", "full"):
        for w, pen in itertools.product((0.05, 0.1, 0.15, 0.2, 0.3, 0.4), (0.0, 0.25, 0.5, 0.75)):
            grid.append(replace(base, weights=RerankWeights(intent=w, intent_other_penalty=pen)))
    if args.grid in ("gate", "full"):
        for w, pen, gate in itertools.product((0.4, 0.6, 0.8), (0.5, 0.75), (1.0,)):
            weights = RerankWeights(intent=w, intent_other_penalty=pen, intent_gate=gate)
            grid.append(replace(base, weights=weights))
    results = []
    for params in grid:
        t = time.perf_counter()
        scores = evaluate(params, tune_ids)
        results.append((scores["ndcg@10"], params))
        print(
            f"{scores['ndcg@10']:.4f} {time.perf_counter() - t:5.1f}s {params}", file=sys.stderr, flush=True
        )
    best = max(results, key=lambda r: r[0])[1]
    report = {
        "mode": args.mode,
        "best": repr(best),
        "dev": evaluate(best, dev),
        "test": evaluate(best, test) if test else None,
        "all": evaluate(best, ids),
        "untuned_all": evaluate(grid[0], ids),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
