"""The whole starter library ingests cleanly and BM25 finds the right topic for clinicians' questions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcite.config import Settings
from medcite.ingest.pipeline import ingest_paths
from medcite.library import library_path, questions_path
from medcite.library.check import load_questions
from medcite.models import SourceKind
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.sources import get_source, list_sources

TOPIC_FIRST_TARGET = 0.90


@pytest.fixture(scope="module")
def library_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, Store, dict[int, str]]]:
    from medcite.config import load_settings

    data_dir = tmp_path_factory.mktemp("library-data")
    settings = load_settings(data_dir=data_dir, ingest={"embed": False})
    store = Store(settings.database_url)
    report = ingest_paths([library_path()], store, settings, embedder=None)
    assert report.failed == [], [(o.path, o.reason) for o in report.failed]
    slugs = {o.source_id: Path(o.path).stem for o in report.outcomes if o.source_id is not None}
    yield settings, store, slugs
    store.dispose()


def test_every_topic_ingests_as_an_editorial_summary(
    library_store: tuple[Settings, Store, dict[int, str]],
) -> None:
    _, store, slugs = library_store
    topics = list(library_path().rglob("*.md"))
    summaries = list_sources(store)
    assert len(summaries) == len(topics) == len(slugs)
    assert {s.kind for s in summaries} == {SourceKind.EDITORIAL_SUMMARY}
    row = get_source(store, summaries[0].id)
    assert row.status == "Submitted" and row.authors == ["MedCite editors"]
    assert row.meta["references"][0]["id"] == "r1"


def test_right_topic_ranks_first(library_store: tuple[Settings, Store, dict[int, str]]) -> None:
    settings, store, slugs = library_store
    service = SearchService(settings, store)
    questions = load_questions(questions_path())
    misses = []
    for q in questions:
        hits = service.search(q.question, k=20, mode="bm25").hits
        first = slugs.get(hits[0].source_id) if hits else None
        if first != q.topic:
            misses.append(f"{q.question!r}: expected {q.topic}, got {first}")
    share = 1 - len(misses) / len(questions)
    print(f"right topic first: {len(questions) - len(misses)}/{len(questions)} = {share:.1%}")
    assert share >= TOPIC_FIRST_TARGET, "\n".join(misses)
