"""Fusion of several ranked lists into one candidate score.

Two methods, chosen by measurement (docs/search.md): reciprocal rank fusion uses ranks only;
convex fusion mixes min-max normalised scores, which keeps how much better the top hit is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[tuple[int, float]]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Cormack et al. (2009): score(d) = sum_i w_i / (k + rank_i(d)); robust to incomparable score scales."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (doc_id, _score) in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


def min_max(scores: Mapping[int, float]) -> dict[int, float]:
    """Scale scores to [0, 1] over the candidate set (all 1.0 when they are equal)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    span = high - low
    return {d: (s - low) / span if span > 0 else 1.0 for d, s in scores.items()}


def convex_fusion(
    score_maps: Sequence[Mapping[int, float]], weights: Sequence[float]
) -> list[tuple[int, float]]:
    """sum_i w_i * minmax(score_i(d)); a candidate missing from a list gets that list's floor (0)."""
    normalised = [min_max(m) for m in score_maps]
    candidates = {d for m in score_maps for d in m}
    fused = {d: sum(w * n.get(d, 0.0) for n, w in zip(normalised, weights, strict=True)) for d in candidates}
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
