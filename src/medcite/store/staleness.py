"""Send articles back for re-review when a source they cite changes or disappears.

This lives in the store layer, next to the code that changes sources, so that `replace_source`
and `remove_source` can call it inside their own transaction: a source never changes without
the articles citing it being flagged in the same commit. Editorial code wraps it
(`medcite.editorial.staleness`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from medcite.models import ReviewStatus
from medcite.store.tables import ArticleRow, ArticleSourceRow, ReviewEventRow

SYSTEM_ACTOR = "system"

# Rejected and Withdrawn articles are never served, so a source change does not concern them.
_UNAFFECTED = (ReviewStatus.REJECTED.value, ReviewStatus.WITHDRAWN.value)


def mark_articles_stale(
    session: Session,
    source_ids: Sequence[int],
    *,
    reason: str,
    origins: Sequence[str] = (),
    new_hashes: dict[str, str] | None = None,
) -> list[int]:
    """Mark every live article citing `source_ids` (or a source at one of `origins`) Needs re-review,
    with an audit event.

    Origins matter because a replaced source gets a new id: an article re-approved after the first
    change still names the old id. `new_hashes` (origin -> new content hash) skips articles composed
    from exactly that content (a forced re-ingest of an unchanged file). Returns the affected ids.
    """
    if not source_ids and not origins:
        return []
    rows = session.execute(
        select(ArticleSourceRow.article_id, ArticleSourceRow.origin, ArticleSourceRow.content_hash).where(
            or_(
                ArticleSourceRow.source_id.in_(list(source_ids)),
                ArticleSourceRow.origin.in_(list(origins)),
            )
        )
    ).all()
    article_ids = sorted(
        {
            article_id
            for article_id, origin, old_hash in rows
            if new_hashes is None or new_hashes.get(origin) != old_hash
        }
    )
    return flag_articles(session, article_ids, reason=reason)


def flag_articles(session: Session, article_ids: Sequence[int], *, reason: str) -> list[int]:
    """Set live articles to Needs re-review (bumping their lock version) and log why.

    An article already waiting for re-review keeps its status but still gets the event, so the
    audit log lists every source change that concerns it. Returns the ids of the live articles.
    """
    if not article_ids:
        return []
    now = datetime.now(UTC)
    affected: list[int] = []
    articles = session.execute(
        select(ArticleRow.id, ArticleRow.status, ArticleRow.content_version)
        .where(ArticleRow.id.in_(list(article_ids)))
        .order_by(ArticleRow.id)
    ).all()
    for article_id, status, content_version in articles:
        if status in _UNAFFECTED:
            continue
        target = ReviewStatus.NEEDS_REREVIEW.value
        if status != target:
            session.execute(
                update(ArticleRow)
                .where(ArticleRow.id == article_id)
                .values(status=target, version=ArticleRow.version + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        session.add(
            ReviewEventRow(
                article_id=article_id,
                actor=SYSTEM_ACTOR,
                action="source_changed",
                from_status=status,
                to_status=target,
                content_version=content_version,
                comment=reason,
                created_at=now,
            )
        )
        affected.append(article_id)
    return affected
