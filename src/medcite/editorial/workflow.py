"""Review actions: start, approve, reject, reopen, flag, withdraw, assign, comment.

Each action runs in one transaction: check the role and the status against the rules table
(`transitions.RULES`), write the article with optimistic locking, append an audit event.
Pass `expected_version` (the version the reviewer was looking at) to refuse acting on an
article that changed in the meantime; without it the version read in the same transaction is
used, which still refuses a concurrent change between that read and the write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medcite.editorial.articles import dedupe_key, get_article
from medcite.editorial.records import ArticleView, add_event, load_row, write_article
from medcite.editorial.transitions import REVIEWERS, SYSTEM, check_action
from medcite.editorial.users import user_in_session
from medcite.errors import InvalidTransitionError, PermissionDeniedError, StoreError
from medcite.models import ReviewStatus, UserRole
from medcite.store import Store
from medcite.store.tables import ArticleRow, ReviewEventRow


def _role(session: Session, actor: str) -> UserRole | None:
    return None if actor == SYSTEM else user_in_session(session, actor).role


def _act(
    store: Store,
    article_id: int,
    actor: str,
    action: str,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
    extra: dict[str, Any] | None = None,
    event_comment: str | None = None,
) -> ArticleView:
    with store.session() as s:
        row = load_row(s, article_id)
        status = ReviewStatus(row.status)
        rule = check_action(action, status, _role(s, actor), comment=comment)
        to_status = rule.to_status or status
        values = dict(extra or {})
        if rule.to_status is not None:
            values["status"] = to_status.value
        if action == "approve":
            values.update(_approval(s, row, actor))
        write_article(s, article_id, row.version if expected_version is None else expected_version, **values)
        add_event(
            s,
            article_id=article_id,
            actor=actor,
            action=action,
            from_status=status,
            to_status=to_status,
            content_version=row.content_version,
            comment=event_comment or comment,
        )
    return get_article(store, article_id)


def _approval(session: Session, row: ArticleRow, actor: str) -> dict[str, Any]:
    """Approval date, approver, and reviewers: everyone who started, edited or approved in this round."""
    events = session.execute(
        select(ReviewEventRow.actor, ReviewEventRow.action, ReviewEventRow.to_status)
        .where(ReviewEventRow.article_id == row.id)
        .order_by(ReviewEventRow.id)
    ).all()
    names: list[str] = []
    for name, action, to_status in events:
        if to_status == ReviewStatus.UNDER_REVIEW.value and action in ("start", "reopen"):
            names = []  # a new review round begins
        if action in ("start", "reopen", "edit") and name != SYSTEM:
            names.append(name)
    names.append(actor)
    return {
        "approved_at": datetime.now(UTC),
        "approved_by": actor,
        "reviewers": list(dict.fromkeys(names)),
    }


def start(store: Store, article_id: int, actor: str, *, expected_version: int | None = None) -> ArticleView:
    """Take an article from the queue (Submitted or Needs re-review) into review; assigns it to the
    actor when nobody is assigned yet."""
    with store.session() as s:
        row = load_row(s, article_id)
        extra = {} if row.assigned_to is not None else {"assigned_to": user_in_session(s, actor).id}
    return _act(store, article_id, actor, "start", expected_version=expected_version, extra=extra)


def approve(
    store: Store,
    article_id: int,
    actor: str,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ArticleView:
    return _act(store, article_id, actor, "approve", comment=comment, expected_version=expected_version)


def reject(
    store: Store, article_id: int, actor: str, *, comment: str, expected_version: int | None = None
) -> ArticleView:
    """Reject (comment required). The question is composed afresh the next time it is asked."""
    return _act(
        store, article_id, actor, "reject", comment=comment, expected_version=expected_version,
        extra={"dedupe_key": None},
    )  # fmt: skip


def withdraw(
    store: Store, article_id: int, actor: str, *, comment: str, expected_version: int | None = None
) -> ArticleView:
    """Retire an article for good: kept with all its history, never served again."""
    return _act(
        store, article_id, actor, "withdraw", comment=comment, expected_version=expected_version,
        extra={"dedupe_key": None},
    )  # fmt: skip


def flag(
    store: Store, article_id: int, actor: str, *, comment: str, expected_version: int | None = None
) -> ArticleView:
    """Send an article back for re-review by hand (MedCite does it itself when a source changes)."""
    return _act(store, article_id, actor, "flag", comment=comment, expected_version=expected_version)


def reopen(
    store: Store,
    article_id: int,
    actor: str,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ArticleView:
    """Take an Approved or Rejected article back into review."""
    article = get_article(store, article_id)
    key = dedupe_key(article.normalised_question, article.audience, article.kb_version)
    try:
        return _act(
            store, article_id, actor, "reopen", comment=comment, expected_version=expected_version,
            extra={"dedupe_key": key},
        )  # fmt: skip
    except StoreError as exc:
        if not isinstance(exc.__cause__, IntegrityError):
            raise
        raise InvalidTransitionError(
            f"Cannot reopen article {article_id}: a newer live article answers the same question for the "
            "same audience and knowledge base. Review that one instead (`medcite review list`)."
        ) from exc


def assign(
    store: Store, article_id: int, actor: str, *, to: str, expected_version: int | None = None
) -> ArticleView:
    """Assign a reviewer. Reviewers may assign themselves; editors and admins anyone."""
    with store.session() as s:
        acting = user_in_session(s, actor)
        assignee = user_in_session(s, to)
    if assignee.role not in REVIEWERS:
        raise PermissionDeniedError(
            f"{to} is a {assignee.role.value}; only a reviewer, editor or admin can be assigned an article."
        )
    if acting.role is UserRole.REVIEWER and to != actor:
        raise PermissionDeniedError(
            "A reviewer can assign articles only to themselves; an editor can assign anyone."
        )
    return _act(
        store, article_id, actor, "assign", expected_version=expected_version,
        extra={"assigned_to": assignee.id}, event_comment=f"assigned to {to}",
    )  # fmt: skip


def comment(store: Store, article_id: int, actor: str, text: str) -> ArticleView:
    """Add a comment to the audit log. Does not change the article, so it never conflicts with edits."""
    with store.session() as s:
        row = load_row(s, article_id)
        status = ReviewStatus(row.status)
        check_action("comment", status, _role(s, actor), comment=text)
        add_event(
            s,
            article_id=article_id,
            actor=actor,
            action="comment",
            from_status=status,
            to_status=status,
            content_version=row.content_version,
            comment=text,
        )
    return get_article(store, article_id)
