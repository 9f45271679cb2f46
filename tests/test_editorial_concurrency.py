"""Concurrent reviewers: optimistic locking refuses stale writes and never loses an update.

Each thread opens its own Store (own engine, own sessions) on the same database file, like
separate processes would. Written against the `store` fixture so that it can be parametrized
over PostgreSQL too.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from editorial_support import QUESTION, add_team, compose_answer, ingest_fixtures
from medcite import editorial as ed
from medcite.config import Settings
from medcite.errors import ConflictError
from medcite.store import Store
from medcite.store.tables import ArticleRow

S1_VARIANTS = [
    "At the first sign of a flare, start colchicine 1.2 mg, followed by 0.6 mg one hour later.",
    "Start colchicine 1.2 mg at the first sign of a flare and 0.6 mg one hour later.",
    "At the first sign of a flare start colchicine 1.2 mg, then 0.6 mg one hour later.",
    "Colchicine 1.2 mg is started at the first sign of a flare, followed by 0.6 mg one hour later.",
]
EDITS = {
    "s1": S1_VARIANTS[0],
    "s2": "Begin allopurinol at no more than 100 mg daily; raise the dose every 2 to 5 weeks until serum "
    "urate is below 6 mg/dL.",
    "s3": "Once the target is reached, check serum urate every 6 months.",
}


@pytest.fixture
def article(store: Store, bm25_settings: Settings, tmp_path: Path) -> ed.ArticleView:
    sources = ingest_fixtures(store, bm25_settings, tmp_path / "docs")
    add_team(store)
    created = ed.save_new_article(
        store,
        question=QUESTION,
        answer=compose_answer(store, sources),
        audience="clinician",
        kb_version=store.kb_version(),
    )
    return ed.start(store, created.id, "rita")


def _run(workers: list[Callable[[Store], Any]], url: str) -> list[Any]:
    """Run each worker in its own thread with its own Store; returns results or raised exceptions."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def target(i: int) -> None:
        own = Store(url)
        try:
            barrier.wait()
            results[i] = workers[i](own)
        except Exception as exc:
            results[i] = exc
        finally:
            own.dispose()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_only_one_of_several_writers_of_the_same_version_wins(store: Store, article: ed.ArticleView) -> None:
    version = article.version

    def editor(text: str) -> Callable[[Store], ed.ArticleView]:
        return lambda own: ed.edit_statement(
            own, article.id, "s1", "rita", text=text, expected_version=version
        )

    workers = [editor(text) for text in S1_VARIANTS]
    results = _run(workers, store.url)
    winners = [r for r in results if isinstance(r, ed.ArticleView)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == len(S1_VARIANTS) - 1, results
    assert all(f"you had version {version}" in str(e) for e in losers)
    final = ed.get_article(store, article.id)
    assert final.content_version == 2 and final.version == version + 1
    assert final.answer["statements"][0]["text"] == winners[0].answer["statements"][0]["text"]
    assert [v.version for v in ed.list_versions(store, article.id)] == [1, 2]
    assert [e.action for e in ed.history(store, article.id)].count("edit") == 1


def test_reviewers_who_retry_after_a_conflict_lose_no_update(store: Store, article: ed.ArticleView) -> None:
    def reviewer(statement_id: str, name: str) -> Callable[[Store], int]:
        def work(own: Store) -> int:
            conflicts = 0
            seen = article.version  # what the reviewer had on screen when they began
            while True:
                try:
                    ed.edit_statement(
                        own, article.id, statement_id, name, text=EDITS[statement_id], expected_version=seen
                    )
                    return conflicts
                except ConflictError:
                    conflicts += 1
                    seen = ed.get_article(own, article.id).version  # reload, look again, retry

        return work

    results = _run([reviewer("s1", "rita"), reviewer("s2", "ravi"), reviewer("s3", "eddie")], store.url)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) >= 2  # all three started from the same version: at least two had to retry
    final = ed.get_article(store, article.id)
    assert {s["id"]: s["text"] for s in final.answer["statements"]} == EDITS
    assert final.content_version == 4
    snapshots = [ed.get_version(store, article.id, v) for v in range(1, 5)]
    changed = [
        sum(a["text"] != b["text"] for a, b in zip(x["statements"], y["statements"], strict=True))
        for x, y in itertools.pairwise(snapshots)
    ]
    assert changed == [1, 1, 1]  # each version adds exactly one edit on top of the previous one


def test_concurrent_askers_of_a_new_question_get_one_article(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    sources = ingest_fixtures(store, bm25_settings, tmp_path / "docs")
    answer = compose_answer(store, sources)
    kb = store.kb_version()

    def asker(own: Store) -> tuple[int, bool]:
        article, created = ed.get_or_create(
            own, question=QUESTION, audience="clinician", kb_version=kb, compose=lambda: answer
        )
        return article.id, created

    results = _run([asker] * 4, store.url)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({article_id for article_id, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    with store.session() as s:
        assert s.scalar(select(func.count(ArticleRow.id))) == 1
