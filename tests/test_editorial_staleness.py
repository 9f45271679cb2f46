"""A changed or removed source sends the articles citing it back for re-review."""

from __future__ import annotations

from pathlib import Path

import pytest

from editorial_support import QUESTION, add_team, compose_answer, ingest_fixtures
from medcite import editorial as ed
from medcite.config import Settings
from medcite.errors import ConflictError
from medcite.ingest.pipeline import ingest_paths
from medcite.models import ReviewStatus
from medcite.store import Store
from medcite.store.sources import remove_source


def _approved(store: Store, settings: Settings, folder: Path) -> tuple[ed.ArticleView, dict[str, int]]:
    sources = ingest_fixtures(store, settings, folder)
    add_team(store)
    article = ed.save_new_article(
        store,
        question=QUESTION,
        answer=compose_answer(store, sources),
        audience="clinician",
        kb_version=store.kb_version(),
    )
    ed.start(store, article.id, "rita")
    return ed.approve(store, article.id, "rita"), sources


def test_reingesting_a_changed_source_sends_the_article_back_and_stops_its_reuse(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    article, _ = _approved(store, bm25_settings, folder)
    other = ed.save_new_article(  # cites only the gout source
        store,
        question="How often is serum urate checked?",
        answer={
            **article.answer,
            "statements": article.answer["statements"][2:],
            "references": article.answer["references"][2:3],
        },
        audience="clinician",
        kb_version=store.kb_version(),
    )
    # Unchanged file re-ingested with --force: same content, no re-review.
    ingest_paths([folder], store, bm25_settings, None, force=True)
    assert ed.get_article(store, article.id).status is ReviewStatus.APPROVED

    ra = folder / "ra_guideline.md"
    ra.write_text(ra.read_text().replace("moderate or high", "high"))
    ingest_paths([folder], store, bm25_settings, None)

    stale = ed.get_article(store, article.id)
    assert stale.status is ReviewStatus.NEEDS_REREVIEW
    assert "a source this article cites has changed" in stale.served_answer()["review"]["banner"]
    assert ed.get_article(store, other.id).status is ReviewStatus.SUBMITTED  # cites no RA passage
    last = ed.history(store, article.id)[-1]
    assert (last.actor, last.action) == ("system", "source_changed")
    assert "ra_guideline.md" in (last.comment or "") and last.from_status is ReviewStatus.APPROVED
    match = ed.find_reusable(
        store, ed.normalise_question(QUESTION), "clinician", store.kb_version(), None, None
    )
    assert match is None

    # Back through review: start again, approve, served again; a second change of the same file
    # (now under a new source id) is still caught through its origin.
    ed.start(store, article.id, "ravi")
    assert ed.approve(store, article.id, "ravi").reviewers == ("ravi",)
    ra.write_text(ra.read_text().replace("chronic inflammatory", "chronic systemic inflammatory"))
    ingest_paths([folder], store, bm25_settings, None)
    assert ed.get_article(store, article.id).status is ReviewStatus.NEEDS_REREVIEW


def test_removing_a_source_and_the_sweep(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    article, sources = _approved(store, bm25_settings, tmp_path / "docs")
    version = article.version
    remove_source(store, sources["gout_summary.md"])
    stale = ed.get_article(store, article.id)
    assert stale.status is ReviewStatus.NEEDS_REREVIEW and stale.version == version + 1
    # A reviewer still looking at the approved version cannot act on it: the system change bumped it.
    with pytest.raises(ConflictError, match=f"you had version {version}"):
        ed.start(store, article.id, "rita", expected_version=version)
    # The explicit API and the sweep agree and are idempotent in status.
    assert ed.mark_stale_for_sources(store, [sources["gout_summary.md"]]) == [article.id]
    ed.start(store, article.id, "rita")
    ed.approve(store, article.id, "rita")
    assert ed.sweep_stale(store) == [article.id]  # the gout source is still gone
    assert ed.get_article(store, article.id).status is ReviewStatus.NEEDS_REREVIEW
    assert ed.sweep_stale(store) == []  # already waiting for re-review
