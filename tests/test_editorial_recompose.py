"""A stored draft composed by another MedCite is composed again when asked; reviewed content is not.

Real SQLite, the real answer pipeline on a real guideline document. An article "from an earlier MedCite"
is stored the way that release stored it: its own (different) answer and its own composer version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medcite import __version__
from medcite import editorial as ed
from medcite.answer.fingerprint import PRESENTATION_ONLY, _files, composer_fingerprint, composer_version
from medcite.answer.schema import Audience
from medcite.answer.service import AnswerService
from medcite.config import load_settings
from medcite.editorial.serve import ask_reviewed
from medcite.ingest.pipeline import ingest_paths
from medcite.models import ReviewStatus, UserRole
from medcite.store import Store

FIXTURE = Path(__file__).parent / "fixtures" / "ra_guideline.md"
QUESTION = "Next step for rheumatoid arthritis with inadequate response to methotrexate?"
OLD = "0.0.9+0123456789ab"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[AnswerService]:
    settings = load_settings(data_dir=tmp_path / "d", ingest={"embed": False}, library={"enabled": False})
    store = Store(settings.database_url)
    ingest_paths([FIXTURE], store, settings, None)
    ed.add_user(store, "dr.lee", UserRole.REVIEWER)
    yield AnswerService(settings, store)
    store.dispose()


def _old_article(service: AnswerService, *, same_content: bool = False) -> ed.ArticleView:
    """The article an earlier MedCite stored for QUESTION: composed by OLD, saying something else."""
    answer: dict[str, Any] = service.ask(QUESTION, audience=Audience.CLINICIAN).model_dump(mode="json")
    if not same_content:
        answer["title"] = "Wording of an earlier MedCite"
        answer["bottom_line"][0]["text"] = "An earlier MedCite chose another sentence."
    return ed.save_new_article(
        service.store,
        question=service.analyse(QUESTION).question,
        answer=answer,
        audience="clinician",
        kb_version=service.store.kb_version(),
        intent=service.analyse(QUESTION).intent.value,
        composer_version=OLD,
    )


def test_new_articles_record_the_medcite_that_composed_them(service: AnswerService) -> None:
    served = ask_reviewed(service, QUESTION)
    assert served.review.reuse == "composed" and served.review.composer_version == composer_version()
    article = ed.get_article(service.store, served.review.article_id or 0)
    assert article.composer_version == composer_version()
    assert ask_reviewed(service, QUESTION).review.reuse == "existing"  # same MedCite: served as stored


def test_a_submitted_draft_from_another_medcite_is_composed_again_with_its_history_kept(
    service: AnswerService,
) -> None:
    old = _old_article(service)
    served = ask_reviewed(service, QUESTION)
    assert served.review.article_id == old.id and served.review.reuse == "recomposed"
    assert served.title != "Wording of an earlier MedCite"
    assert served.bottom_line[0].text != "An earlier MedCite chose another sentence."
    assert served.review.composer_version == composer_version() and served.review.version == 2
    article = ed.get_article(service.store, old.id)
    assert article.status is ReviewStatus.SUBMITTED and article.content_version == 2
    assert ed.get_version(service.store, old.id, 1)["title"] == "Wording of an earlier MedCite"
    assert [v.version for v in ed.list_versions(service.store, old.id)] == [1, 2]
    events = ed.history(service.store, old.id)
    assert [e.action for e in events] == ["create", "recompose"]
    assert OLD in (events[-1].comment or "") and composer_version() in (events[-1].comment or "")
    assert "An earlier MedCite chose another sentence." in ed.diff_versions(service.store, old.id)
    again = ask_reviewed(service, QUESTION)  # now composed by this MedCite: served as stored
    assert again.review.reuse == "existing" and again.review.version == 2


def test_a_draft_under_review_is_recomposed_and_stays_with_its_reviewer(service: AnswerService) -> None:
    old = _old_article(service)
    ed.start(service.store, old.id, "dr.lee")
    served = ask_reviewed(service, QUESTION)
    assert served.review.reuse == "recomposed"
    article = ed.get_article(service.store, old.id)
    assert article.status is ReviewStatus.UNDER_REVIEW and article.assigned_to == "dr.lee"
    assert article.content_version == 2 and article.composer_version == composer_version()
    assert [e.action for e in ed.history(service.store, old.id)] == ["create", "start", "recompose"]


def test_an_approved_article_stays_as_approved_and_keeps_the_version_it_was_reviewed_on(
    service: AnswerService,
) -> None:
    old = _old_article(service)
    ed.start(service.store, old.id, "dr.lee")
    ed.approve(service.store, old.id, "dr.lee")
    served = ask_reviewed(service, QUESTION)
    assert served.review.reuse == "approved_exact" and served.review.status.value == "Approved"
    assert served.title == "Wording of an earlier MedCite" and served.review.composer_version == OLD
    assert "recompose" not in [e.action for e in ed.history(service.store, old.id)]


def test_a_recomposition_that_says_the_same_only_records_the_new_version(service: AnswerService) -> None:
    old = _old_article(service, same_content=True)
    served = ask_reviewed(service, QUESTION)
    assert served.review.reuse == "recomposed" and served.review.version == 1
    article = ed.get_article(service.store, old.id)
    assert article.content_version == 1 and article.composer_version == composer_version()
    assert len(ed.list_versions(service.store, old.id)) == 1
    assert "content unchanged" in (ed.history(service.store, old.id)[-1].comment or "")


def test_a_draft_recorded_before_versions_were_kept_counts_as_another_medcite(service: AnswerService) -> None:
    old = _old_article(service)
    with service.store.engine.begin() as conn:  # what migration 0004 leaves on older rows
        conn.exec_driver_sql("UPDATE articles SET composer_version = NULL WHERE id = ?", (old.id,))
    assert ed.get_article(service.store, old.id).composer_version is None
    served = ask_reviewed(service, QUESTION)
    assert served.review.reuse == "recomposed"
    assert "an unrecorded earlier version" in (ed.history(service.store, old.id)[-1].comment or "")


def test_the_fingerprint_covers_the_composing_code_and_not_the_printing() -> None:
    from importlib import resources

    files = {path for path, _ in _files(resources.files("medcite") / "answer", "answer")}
    assert {"answer/plain.py", "answer/compose_extractive.py", "answer/data/plain_language.tsv"} <= files
    assert not files & PRESENTATION_ONLY
    assert re.fullmatch(r"[0-9a-f]{12}", composer_fingerprint())
    assert composer_version() == f"{__version__}+{composer_fingerprint()}"
