"""The topic router: each source's share of the known questions' votes."""

from __future__ import annotations

import numpy as np

from medcite.answer.topic_router import KnownQuestionIndex, routed_source


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_the_source_with_the_closest_questions_leads_and_shares_sum_to_one() -> None:
    index = KnownQuestionIndex(
        kb_version=1,
        source_ids=np.array([7, 7, 9]),
        matrix=np.stack([_unit(1, 0.1, 0), _unit(0.9, 0.3, 0), _unit(0, 1, 0.2)]),
    )
    shares = index.source_shares(_unit(0.1, 1, 0.1))
    assert list(shares) == [9, 7]
    assert abs(sum(shares.values()) - 1.0) < 1e-9
    assert routed_source(shares) == 9
    assert list(index.source_shares(_unit(1, 0, 0))) == [7, 9]


def test_no_known_questions_route_nowhere() -> None:
    empty = KnownQuestionIndex(kb_version=1, source_ids=np.array([], dtype=np.int64), matrix=np.zeros((0, 3)))
    assert empty.source_shares(_unit(1, 0, 0)) == {}
    assert routed_source({}) is None
