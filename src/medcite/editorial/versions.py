"""Editing an article's statements, its versions, diffs between them, and its audit history.

An edit never overwrites: it writes version N+1 of the answer next to version N, and only after
the edited statement passes verification against the passages it cites.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from medcite.editorial import answer_adapter
from medcite.editorial.articles import get_article
from medcite.editorial.records import ArticleView, add_event, load_row, write_article
from medcite.editorial.transitions import check_action
from medcite.editorial.users import user_in_session
from medcite.editorial.verification import StatementVerifier, default_verifier
from medcite.errors import InputError, NotFoundError, VerificationError
from medcite.models import ReviewStatus
from medcite.store import Store
from medcite.store.tables import ArticleVersionRow, ReviewEventRow


def edit_statement(
    store: Store,
    article_id: int,
    statement_id: str,
    actor: str,
    *,
    text: str | None = None,
    citations: list[int] | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
    verifier: StatementVerifier | None = None,
) -> ArticleView:
    """Change one statement's text and/or citations, creating a new version.

    Refused with VerificationError (nothing saved) when the statement would cite nothing, cite a
    number the article has no reference for, or say something its cited passages do not support.
    """
    verifier = verifier or default_verifier()
    with store.session() as s:
        row = load_row(s, article_id)
        status = ReviewStatus(row.status)
        check_action("edit", status, user_in_session(s, actor).role)
        old = answer_adapter.get_statement(row.answer, statement_id)
        new_text = old.text if text is None else " ".join(text.split())
        new_citations = list(old.citations) if citations is None else list(dict.fromkeys(citations))
        if not new_text:
            raise InputError("The new text is empty; to drop a statement, reject or withdraw the article.")
        if new_text == old.text and new_citations == list(old.citations):
            raise InputError(
                f"Statement {statement_id} already says that with those citations; nothing to do."
            )
        if not new_citations:
            raise VerificationError(
                f"Edit refused: statement {statement_id} would cite nothing; every statement needs at least "
                "one citation to a passage in the article's references."
            )
        try:
            passages = answer_adapter.passages_for(row.answer, new_citations)
        except InputError as exc:
            raise VerificationError(f"Edit refused: {exc}") from exc
        ok, reason = verifier.verify(new_text, passages)
        if not ok:
            cites = "".join(f"[{n}]" for n in new_citations)
            raise VerificationError(f"Edit refused: statement {statement_id} citing {cites}: {reason}.")
        answer = answer_adapter.with_statement(
            row.answer, statement_id, text=new_text, citations=new_citations
        )
        content_version = row.content_version + 1
        write_article(
            s,
            article_id,
            row.version if expected_version is None else expected_version,
            answer=answer,
            content_version=content_version,
        )
        s.add(
            ArticleVersionRow(
                article_id=article_id,
                version=content_version,
                answer=answer,
                edited_by=actor,
                comment=comment,
                created_at=datetime.now(UTC),
            )
        )
        summary = _summary(statement_id, old, new_text, new_citations)
        add_event(
            s,
            article_id=article_id,
            actor=actor,
            action="edit",
            from_status=status,
            to_status=status,
            content_version=content_version,
            comment=f"{summary}; {comment}" if comment else summary,
        )
    return get_article(store, article_id)


def _summary(statement_id: str, old: answer_adapter.Statement, text: str, citations: list[int]) -> str:
    parts = []
    if text != old.text:
        parts.append("text changed")
    if citations != list(old.citations):
        parts.append(f"citations {list(old.citations)} -> {citations}")
    return f"statement {statement_id}: {', '.join(parts)}"


@dataclass(frozen=True)
class VersionInfo:
    version: int
    edited_by: str
    comment: str | None
    created_at: datetime


def list_versions(store: Store, article_id: int) -> list[VersionInfo]:
    with store.session() as s:
        load_row(s, article_id)
        return [
            VersionInfo(r.version, r.edited_by, r.comment, r.created_at)
            for r in s.scalars(
                select(ArticleVersionRow)
                .where(ArticleVersionRow.article_id == article_id)
                .order_by(ArticleVersionRow.version)
            )
        ]


def get_version(store: Store, article_id: int, version: int) -> dict[str, Any]:
    with store.session() as s:
        row = load_row(s, article_id)
        answer = s.scalar(
            select(ArticleVersionRow.answer).where(
                ArticleVersionRow.article_id == article_id, ArticleVersionRow.version == version
            )
        )
        if answer is None:
            raise NotFoundError(
                f"Article {article_id} has no version {version}; its versions are 1 to {row.content_version}."
            )
        return dict(answer)


def diff_versions(
    store: Store, article_id: int, from_version: int | None = None, to_version: int | None = None
) -> str:
    """Unified diff of the statements (grouped by section) between two versions.

    Defaults: the latest version against the one before it. Empty when they say the same.
    """
    latest = get_article(store, article_id).content_version
    to_version = latest if to_version is None else to_version
    from_version = max(1, to_version - 1) if from_version is None else from_version
    before = answer_adapter.render_sections(get_version(store, article_id, from_version))
    after = answer_adapter.render_sections(get_version(store, article_id, to_version))
    return "\n".join(
        difflib.unified_diff(
            before, after, fromfile=f"version {from_version}", tofile=f"version {to_version}", lineterm=""
        )
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    from_status: ReviewStatus | None
    to_status: ReviewStatus | None
    content_version: int | None
    comment: str | None


def history(store: Store, article_id: int) -> list[HistoryEntry]:
    """Every audit event for the article, oldest first."""
    with store.session() as s:
        load_row(s, article_id)
        return [
            HistoryEntry(
                at=e.created_at if e.created_at.tzinfo else e.created_at.replace(tzinfo=UTC),
                actor=e.actor,
                action=e.action,
                from_status=ReviewStatus(e.from_status) if e.from_status else None,
                to_status=ReviewStatus(e.to_status) if e.to_status else None,
                content_version=e.content_version,
                comment=e.comment,
            )
            for e in s.scalars(
                select(ReviewEventRow)
                .where(ReviewEventRow.article_id == article_id)
                .order_by(ReviewEventRow.id)
            )
        ]
