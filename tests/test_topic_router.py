"""The topic router: each source's share of the known questions' votes."""

from __future__ import annotations

import numpy as np

from medcite.answer.service import AnswerService
from medcite.answer.topic_router import KnownQuestionIndex, TopicRouter, routed_search, routed_source
from medcite.search.service import SearchService


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


def test_hybrid_search_ranks_the_topic_the_known_questions_point_to_first(
    library_hybrid_service: AnswerService,
) -> None:
    """Plain hybrid search puts a first-seizure topic first for a 6-minute tonic-clonic seizure without IV
    access; with the known questions as its topic prior, status epilepticus leads."""
    store = library_hybrid_service.store
    settings = library_hybrid_service.settings
    question = "Woman ~60 kg, generalised tonic-clonic fit going on for 6 minutes, no IV access. First drug?"
    plain = SearchService(settings, store).search(question, k=5).hits
    routed = routed_search(settings, store)
    assert not plain[0].source_title.startswith("Convulsive status epilepticus")
    assert routed.search(question, k=5).hits[0].source_title.startswith("Convulsive status epilepticus")


def test_the_prior_orders_only_the_sources_it_knows(library_hybrid_service: AnswerService) -> None:
    """A source the prior has no evidence on (a local protocol without known questions) is raised as much
    as the prior's favourite, so local protocols keep their precedence; the others fall behind."""
    store = library_hybrid_service.store
    search = SearchService(library_hybrid_service.settings, store)
    hits = search.search("apixaban dose in atrial fibrillation", k=20).hits
    by_source = list(dict.fromkeys(h.source_id for h in hits))
    first, second, unknown = by_source[:3]
    chunk = {sid: next(h.chunk_id for h in hits if h.source_id == sid) for sid in (first, second, unknown)}
    ranked = [(chunk[first], 1.0), (chunk[second], 0.9), (chunk[unknown], 0.5)]
    reordered = search._with_topic_prior(ranked, {second: 0.6, first: 0.1})
    assert [cid for cid, _ in reordered] == [chunk[second], chunk[unknown], chunk[first]]


def test_without_vectors_bm25_over_the_known_questions_routes(library_service: AnswerService) -> None:
    """A knowledge base without vectors: the known questions are searched with BM25 instead. Plain BM25
    ranks the first-seizure topic first for a 6-minute tonic-clonic seizure; with the lexical prior status
    epilepticus leads. Every topic with known questions is named in the shares (0 when none voted), and a
    question sharing no word with any known question routes nowhere."""
    store, settings = library_service.store, library_service.settings
    question = "Woman ~60 kg, generalised tonic-clonic fit going on for 6 minutes, no IV access. First drug?"
    plain = SearchService(settings, store).search(question, k=5, mode="bm25").hits
    assert not plain[0].source_title.startswith("Convulsive status epilepticus")
    routed = routed_search(settings, store).search(question, k=5, mode="bm25").hits
    assert routed[0].source_title.startswith("Convulsive status epilepticus")
    router = TopicRouter(store, lambda: library_service.search.embedder)
    shares = router.lexical(question)
    assert len(shares) == 65 and abs(sum(shares.values()) - 1.0) < 1e-9
    assert router.lexical("zzzz qqqq") == {}
