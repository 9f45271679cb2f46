"""Standard ranking metrics over one ranked list of document ids and graded judgements.

Definitions follow trec_eval / BEIR: nDCG with graded gains and a log2(rank + 1) discount
(Järvelin and Kekäläinen, 2002), recall as the share of relevant documents found in the top k,
and MRR as the reciprocal rank of the first relevant document within the top k (0 if none).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def ndcg_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], start=1))
    ideal = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    wanted = {d for d, g in relevant.items() if g > 0}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranked[:k])) / len(wanted)


def mrr_at_k(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if relevant.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


METRICS = ("ndcg@10", "recall@1", "recall@10", "recall@100", "mrr@10")


def score_query(ranked: Sequence[str], relevant: Mapping[str, int]) -> dict[str, float]:
    """All reported metrics for one query."""
    return {
        "ndcg@10": ndcg_at_k(ranked, relevant, 10),
        "recall@1": recall_at_k(ranked, relevant, 1),
        "recall@10": recall_at_k(ranked, relevant, 10),
        "recall@100": recall_at_k(ranked, relevant, 100),
        "mrr@10": mrr_at_k(ranked, relevant, 10),
    }


def mean_scores(per_query: Sequence[Mapping[str, float]]) -> dict[str, float]:
    if not per_query:
        return dict.fromkeys(METRICS, 0.0)
    return {m: sum(q[m] for q in per_query) / len(per_query) for m in METRICS}
