"""Reading articles and writing them safely: optimistic locking and the audit log.

Every write to an article row goes through `write_article`, which updates only if the row still
has the version the writer read (UPDATE ... WHERE id = ? AND version = ?). A writer that lost
the race gets a ConflictError and nothing of its change is saved: never a lost update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from medcite.editorial import answer_adapter
from medcite.editorial.transitions import banner
from medcite.errors import ConflictError, NotFoundError
from medcite.models import ReviewStatus
from medcite.store.tables import ArticleRow, ReviewEventRow, UserRow

EDITORIAL_POLICY = "docs/editorial-policy.md"


@dataclass(frozen=True)
class ArticleView:
    """An article as read from the database (detached: safe to pass around after the session)."""

    id: int
    question: str
    normalised_question: str
    audience: str
    intent: str | None
    answer: dict[str, Any]
    status: ReviewStatus
    version: int
    content_version: int
    kb_version: int
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    reviewers: tuple[str, ...]
    assigned_to: str | None
    composer_version: str | None = None  # MedCite + composer fingerprint of the content (None: unknown)

    @property
    def banner(self) -> str:
        return banner(
            self.status,
            approved_by=list(self.reviewers),
            approved_on=self.approved_at.date().isoformat() if self.approved_at else None,
        )

    def review_block(self) -> dict[str, Any]:
        """The answer article's "review" part, as the anatomy in DESIGN.md section 1 lists it."""
        return {
            "status": self.status.label,
            "article_id": self.id,
            "version": self.content_version,
            "last_updated": self.updated_at.isoformat(),
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "reviewers": list(self.reviewers),
            "banner": self.banner,
            "policy": EDITORIAL_POLICY,
            "composer_version": self.composer_version,
        }

    def served_answer(self) -> dict[str, Any]:
        """The answer as a user sees it: the stored answer with its current review block."""
        return answer_adapter.with_review(self.answer, self.review_block())


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time MedCite stores is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def to_view(row: ArticleRow, assigned_name: str | None) -> ArticleView:
    created, updated = _aware(row.created_at), _aware(row.updated_at)
    assert created is not None and updated is not None
    return ArticleView(
        id=row.id,
        question=row.question,
        normalised_question=row.normalised_question,
        audience=row.audience,
        intent=row.intent,
        answer=row.answer,
        status=ReviewStatus(row.status),
        version=row.version,
        content_version=row.content_version,
        kb_version=row.kb_version,
        created_at=created,
        updated_at=updated,
        approved_at=_aware(row.approved_at),
        approved_by=row.approved_by,
        reviewers=tuple(row.reviewers or ()),
        assigned_to=assigned_name,
        composer_version=row.composer_version,
    )


def load_row(session: Session, article_id: int) -> ArticleRow:
    row = session.get(ArticleRow, article_id)
    if row is None:
        raise NotFoundError(f"No article with id {article_id}. See `medcite review list`.")
    return row


def load_view(session: Session, article_id: int) -> ArticleView:
    row = load_row(session, article_id)
    return to_view(row, _user_name(session, row.assigned_to))


def _user_name(session: Session, user_id: int | None) -> str | None:
    return None if user_id is None else session.scalar(select(UserRow.name).where(UserRow.id == user_id))


def write_article(session: Session, article_id: int, expected_version: int, **values: Any) -> int:
    """Update an article only if it still has `expected_version`; returns the new version."""
    new_version = expected_version + 1
    result = session.execute(
        update(ArticleRow)
        .where(ArticleRow.id == article_id, ArticleRow.version == expected_version)
        .values(version=new_version, updated_at=datetime.now(UTC), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(ArticleRow.version).where(ArticleRow.id == article_id))
        if current is None:
            raise NotFoundError(f"No article with id {article_id}. See `medcite review list`.")
        raise ConflictError(
            f"Article {article_id} was changed by someone else since you read it (you had version "
            f"{expected_version}, it is now version {current}). Nothing was saved: reload it with "
            f"`medcite review show {article_id}` and try again."
        )
    return new_version


def add_event(
    session: Session,
    *,
    article_id: int,
    actor: str,
    action: str,
    from_status: ReviewStatus | None,
    to_status: ReviewStatus | None,
    content_version: int | None,
    comment: str | None = None,
) -> None:
    session.add(
        ReviewEventRow(
            article_id=article_id,
            actor=actor,
            action=action,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value if to_status else None,
            content_version=content_version,
            comment=comment,
            created_at=datetime.now(UTC),
        )
    )
