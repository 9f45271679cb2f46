"""The review workflow end to end on a real SQLite database with real ingested sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update

from editorial_support import QUESTION, add_team, as_article_layout, compose_answer, ingest_fixtures
from medcite import editorial as ed
from medcite.config import Settings
from medcite.editorial.transitions import RULES, check_action
from medcite.errors import (
    InputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StoreError,
    VerificationError,
)
from medcite.models import ReviewStatus, UserRole
from medcite.store import Store
from medcite.store.tables import ArticleVersionRow, ReviewEventRow

POLICY = Path(__file__).resolve().parents[1] / "docs" / "editorial-policy.md"


@pytest.fixture
def article(store: Store, bm25_settings: Settings, tmp_path: Path) -> ed.ArticleView:
    sources = ingest_fixtures(store, bm25_settings, tmp_path / "docs")
    add_team(store)
    return ed.save_new_article(
        store,
        question=QUESTION,
        answer=compose_answer(store, sources),
        audience="clinician",
        kb_version=store.kb_version(),
        intent="treatment_choice",
    )


def test_reviewer_takes_edits_approves_and_next_asker_gets_the_approved_version(
    store: Store, article: ed.ArticleView
) -> None:
    assert article.status is ReviewStatus.SUBMITTED
    assert "pending human review" in article.served_answer()["review"]["banner"]
    queue = ed.list_articles(store, statuses=[ReviewStatus.SUBMITTED])
    assert [a.id for a in queue] == [article.id]

    started = ed.start(store, article.id, "rita")
    assert started.status is ReviewStatus.UNDER_REVIEW and started.assigned_to == "rita"
    new_text = "At the first sign of a flare, start colchicine 1.2 mg, then 0.6 mg one hour later."
    edited = ed.edit_statement(store, article.id, "s1", "rita", text=new_text, comment="clearer order")
    assert edited.content_version == 2
    assert ed.get_version(store, article.id, 1)["statements"][0]["text"].startswith("Start colchicine")
    approved = ed.approve(store, article.id, "rita")
    assert approved.status is ReviewStatus.APPROVED and approved.approved_at is not None
    assert approved.reviewers == ("rita",)

    def compose_must_not_run() -> dict[str, object]:
        raise AssertionError("an approved article exists; nothing should be composed")

    served, how = ed.resolve_article(
        store,
        question="  what is the FIRST-LINE treatment for an acute gout flare and how is urate lowered ",
        audience="clinician",
        kb_version=store.kb_version() + 3,  # the knowledge base grew since; cited sources did not change
        compose=compose_must_not_run,
    )
    assert how == "approved_exact" and served.id == article.id
    review = served.served_answer()["review"]
    assert review["status"] == "Approved" and review["reviewers"] == ["rita"] and review["version"] == 2
    assert review["approved_at"] == approved.approved_at.isoformat()  # type: ignore[union-attr]
    assert served.served_answer()["statements"][0]["text"] == new_text
    # Another audience is a different article.
    _, how = ed.resolve_article(
        store,
        question=QUESTION,
        audience="patient",
        kb_version=store.kb_version(),
        compose=lambda: article.answer,
    )
    assert how == "composed"


def test_edits_that_break_a_citation_are_refused_with_the_reason(
    store: Store, article: ed.ArticleView
) -> None:
    ed.start(store, article.id, "rita")
    cases = [
        ({"text": "Start colchicine 2.4 mg at the first sign of a flare."}, r"2\.4 not in the cited passage"),
        ({"citations": [9]}, r"\[9\] is not among this article's references \(1, 2, 3, 4\)"),
        ({"citations": []}, r"would cite nothing"),
        (
            {"citations": [4]},
            r"number\(s\) (0\.6, 1\.2|1\.2, 0\.6) not in the cited passage",
        ),  # the RA passage states no colchicine dose
        (
            {"text": "Colchicine cures vasculitis in children within days."},
            r"of its content words are in the cited passage",
        ),
    ]
    for change, reason in cases:
        with pytest.raises(VerificationError, match=reason):
            ed.edit_statement(store, article.id, "s1", "rita", **change)  # type: ignore[arg-type]
    after = ed.get_article(store, article.id)
    assert after.content_version == 1 and after.answer == article.answer
    assert [v.version for v in ed.list_versions(store, article.id)] == [1]
    # Adding a second passage that does support the statement is accepted.
    ok = ed.edit_statement(store, article.id, "s2", "rita", citations=[2, 3])
    assert ok.answer["statements"][1]["citations"] == [2, 3]
    with pytest.raises(NotFoundError, match="statements are: s1, s2, s3"):
        ed.edit_statement(store, article.id, "s9", "rita", text="x")
    with pytest.raises(InputError, match="nothing to do"):
        ed.edit_statement(store, article.id, "s2", "rita", citations=[2, 3])


def test_roles_and_transitions_are_enforced_with_messages_naming_what_is_allowed(
    store: Store, article: ed.ArticleView
) -> None:
    with pytest.raises(PermissionDeniedError, match=r"A clinician cannot start .* reviewer, editor, admin"):
        ed.start(store, article.id, "cleo")
    with pytest.raises(InvalidTransitionError, match=r"Cannot approve an article that is Submitted.*start"):
        ed.approve(store, article.id, "rita")
    with pytest.raises(InvalidTransitionError, match="Cannot edit"):
        ed.edit_statement(store, article.id, "s1", "rita", citations=[1, 2])
    with pytest.raises(NotFoundError, match="users add nobody"):
        ed.start(store, article.id, "nobody")
    with pytest.raises(PermissionDeniedError, match="only to themselves"):
        ed.assign(store, article.id, "rita", to="ravi")
    with pytest.raises(PermissionDeniedError, match="cleo is a clinician"):
        ed.assign(store, article.id, "eddie", to="cleo")
    assert ed.assign(store, article.id, "eddie", to="ravi").assigned_to == "ravi"
    ed.start(store, article.id, "ravi")
    with pytest.raises(InvalidTransitionError, match="give a comment"):
        ed.reject(store, article.id, "ravi", comment=" ")
    rejected = ed.reject(store, article.id, "ravi", comment="dose wording unclear")
    assert rejected.status is ReviewStatus.REJECTED
    with pytest.raises(PermissionDeniedError, match="needs the role editor, admin"):
        ed.reopen(store, article.id, "ravi")
    assert ed.reopen(store, article.id, "eddie").status is ReviewStatus.UNDER_REVIEW
    ed.comment(store, article.id, "cleo", "Please add renal dosing.")  # anyone may comment
    assert ed.withdraw(store, article.id, "ada", comment="duplicate").status is ReviewStatus.WITHDRAWN
    with pytest.raises(InvalidTransitionError, match="From Withdrawn the allowed actions are: comment"):
        ed.reopen(store, article.id, "ada")
    # Every rule names a role set, and the system actor can only flag.
    assert all(rule.roles for rule in RULES.values())
    with pytest.raises(PermissionDeniedError, match="a person must"):
        check_action("approve", ReviewStatus.UNDER_REVIEW, None)
    assert check_action("flag", ReviewStatus.APPROVED, None, comment="source changed").action == "flag"


def test_rejected_question_is_composed_afresh_and_the_rejected_article_is_kept(
    store: Store, article: ed.ArticleView
) -> None:
    ed.start(store, article.id, "rita")
    ed.reject(store, article.id, "rita", comment="wrong emphasis")
    fresh, how = ed.resolve_article(
        store,
        question=QUESTION,
        audience="clinician",
        kb_version=article.kb_version,
        compose=lambda: article.answer,
    )
    assert how == "composed" and fresh.id != article.id and fresh.status is ReviewStatus.SUBMITTED
    assert ed.get_article(store, article.id).status is ReviewStatus.REJECTED
    # Reopening the rejected one would create a second live article for the same question.
    with pytest.raises(InvalidTransitionError, match="newer live article"):
        ed.reopen(store, article.id, "eddie")


def test_diff_history_and_append_only_audit(store: Store, article: ed.ArticleView) -> None:
    ed.start(store, article.id, "rita")
    ed.edit_statement(
        store, article.id, "s3", "rita", text="Once the target is reached, check serum urate every 6 months."
    )
    ed.edit_statement(store, article.id, "s1", "rita", citations=[1, 2])
    diff = ed.diff_versions(store, article.id, 1, 3)
    assert diff.startswith("--- version 1\n+++ version 3")
    changed = [line for line in diff.splitlines() if re.match(r"^[+-]s\d", line)]
    s1 = "s1: Start colchicine 1.2 mg at the first sign of a flare, followed by 0.6 mg one hour later."
    assert changed == [
        f"-{s1} [1]",
        f"+{s1} [1][2]",
        "-s3: Check serum urate every 6 months once the target is reached. [3]",
        "+s3: Once the target is reached, check serum urate every 6 months. [3]",
    ]
    assert "## Important considerations" in diff
    assert ed.diff_versions(store, article.id, 2, 2) == ""
    with pytest.raises(NotFoundError, match="versions are 1 to 3"):
        ed.diff_versions(store, article.id, 1, 7)
    ed.approve(store, article.id, "rita", comment="checked against the guideline")
    events = ed.history(store, article.id)
    assert [(e.actor, e.action) for e in events] == [
        ("system", "create"),
        ("rita", "start"),
        ("rita", "edit"),
        ("rita", "edit"),
        ("rita", "approve"),
    ]
    assert events[3].comment == "statement s1: citations [1] -> [1, 2]"
    assert (
        events[-1].from_status is ReviewStatus.UNDER_REVIEW and events[-1].to_status is ReviewStatus.APPROVED
    )
    # The database itself refuses to rewrite or delete history.
    for statement in (
        update(ReviewEventRow).values(comment="rewritten"),
        delete(ReviewEventRow),
        update(ArticleVersionRow).values(edited_by="someone"),
        delete(ArticleVersionRow),
    ):
        with pytest.raises(StoreError, match="append-only"), store.session() as s:
            s.execute(statement)
    with store.session() as s:
        assert s.execute(text("SELECT count(*) FROM review_events")).scalar() == 5
    # No delete function exists in the editorial API; retiring is a status.
    assert not [name for name in ed.__all__ if "delete" in name or "remove" in name]


def test_users_are_unique_and_validated(store: Store) -> None:
    ed.add_user(store, "rita", UserRole.REVIEWER)
    with pytest.raises(InputError, match="already exists"):
        ed.add_user(store, "rita", UserRole.EDITOR)
    with pytest.raises(InputError, match="reserved name"):
        ed.add_user(store, "system", UserRole.ADMIN)
    with pytest.raises(InputError, match="not allowed"):
        ed.add_user(store, "bad name", UserRole.ADMIN)
    assert [(u.name, u.role) for u in ed.list_users(store)] == [("rita", UserRole.REVIEWER)]


def test_policy_document_describes_every_rule_and_role() -> None:
    policy = POLICY.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"`{rule.action}`" in policy, rule.action
    for status in ReviewStatus:
        assert status.label in policy
    for role in UserRole:
        assert role.value in policy


def test_answer_pipeline_layout_is_edited_in_place_and_served_with_its_review_state(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    sources = ingest_fixtures(store, bm25_settings, tmp_path / "docs")
    add_team(store)
    answer = as_article_layout(compose_answer(store, sources))
    article = ed.save_new_article(
        store, question=QUESTION, answer=answer, audience="clinician", kb_version=store.kb_version()
    )
    from medcite.editorial import answer_adapter

    assert [(s.id, s.section) for s in answer_adapter.statements(answer)] == [
        ("s1", "bottom_line"),
        ("s2", "treatment_algorithm"),
        ("s3", "monitoring"),
    ]
    pending = article.served_answer()
    assert [w["kind"] for w in pending["warnings"]] == ["pending_review"]
    assert pending["warnings"][0]["text"] == article.banner
    ed.start(store, article.id, "rita")
    with pytest.raises(VerificationError, match="number\\(s\\) 6 not in the cited passage"):
        ed.edit_statement(store, article.id, "s3", "rita", citations=[4])
    edited = ed.edit_statement(
        store, article.id, "s3", "rita", text="Once the target is reached, check serum urate every 6 months."
    )
    monitoring = edited.answer["important_considerations"]["monitoring"][0]
    assert monitoring["text"].startswith("Once the target") and monitoring["lead"] is None
    assert "+s3: Once the target is reached" in ed.diff_versions(store, article.id)
    approved = ed.approve(store, article.id, "rita")
    served = approved.served_answer()
    assert served["warnings"] == []
    assert served["review"]["status"] == "Approved" and served["review"]["reviewers"] == ["rita"]
    assert served["review"]["version"] == 2 and served["review"]["editorial_policy"] == "/editorial-policy"
    assert served["review"]["approved_at"] == approved.approved_at.isoformat()  # type: ignore[union-attr]
    # Staleness works from this layout's references too.
    assert ed.mark_stale_for_sources(store, [sources["gout_summary.md"]]) == [article.id]
