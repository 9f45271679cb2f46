"""Ranking metrics against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from medcite.eval.metrics import mean_scores, mrr_at_k, ndcg_at_k, recall_at_k, score_query

RANKED = ["a", "b", "c", "d"]
GRADED = {"b": 2, "d": 1, "e": 1}  # "e" is relevant but never retrieved


def test_ndcg_uses_graded_gains_and_log2_discount() -> None:
    # DCG: b (gain 2) at rank 2, d (gain 1) at rank 4. Ideal order: 2, 1, 1 at ranks 1-3.
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    idcg = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RANKED, GRADED, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(RANKED, GRADED, 10) == pytest.approx(0.54059, abs=1e-5)


def test_ndcg_cutoff_ignores_documents_below_k() -> None:
    # Only rank 1-2 count; the ideal list is also cut at 2: gains 2 and 1.
    expected = (2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert ndcg_at_k(RANKED, GRADED, 2) == pytest.approx(expected)


def test_perfect_and_empty_rankings() -> None:
    assert ndcg_at_k(["b", "d", "e"], GRADED, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], GRADED, 10) == 0.0
    assert ndcg_at_k(RANKED, {}, 10) == 0.0


def test_recall_counts_share_of_relevant_found() -> None:
    assert recall_at_k(RANKED, GRADED, 1) == 0.0
    assert recall_at_k(RANKED, GRADED, 2) == pytest.approx(1 / 3)
    assert recall_at_k(RANKED, GRADED, 10) == pytest.approx(2 / 3)


def test_mrr_is_reciprocal_rank_of_first_relevant_within_k() -> None:
    assert mrr_at_k(RANKED, GRADED, 10) == 0.5
    assert mrr_at_k(RANKED, GRADED, 1) == 0.0
    assert mrr_at_k(["d", "b"], GRADED, 10) == 1.0


def test_mean_over_queries() -> None:
    first = score_query(["b"], {"b": 1})  # perfect
    second = score_query(["x"], {"b": 1})  # miss
    means = mean_scores([first, second])
    assert means["ndcg@10"] == 0.5
    assert means["recall@1"] == 0.5
    assert means["mrr@10"] == 0.5
