"""Articles go back for re-review when a source they cite changes or is removed.

`replace_source` and `remove_source` (medcite.store.sources) already do this inside their own
transaction. `mark_stale_for_sources` is for other code paths that change sources, and
`sweep_stale` re-checks every live article against the knowledge base as it is now (after a
restore from backup, or a change made outside MedCite).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from medcite.models import ReviewStatus
from medcite.store import Store
from medcite.store.staleness import flag_articles, mark_articles_stale
from medcite.store.tables import ArticleRow, ArticleSourceRow, SourceRow


def mark_stale_for_sources(
    store: Store, changed_source_ids: Sequence[int], reason: str | None = None
) -> list[int]:
    """Every live article citing these sources becomes Needs re-review, with an audit event.

    Returns the ids of the articles concerned.
    """
    ids = list(changed_source_ids)
    text = reason or f"Source(s) {', '.join(map(str, ids))} changed."
    with store.session() as s:
        return mark_articles_stale(s, ids, reason=text)


def sweep_stale(store: Store) -> list[int]:
    """Flag live articles whose cited sources (matched by origin) are gone or have other content now."""
    with store.session() as s:
        current = dict(s.execute(select(SourceRow.origin, SourceRow.content_hash)).all())
        rows = s.execute(
            select(ArticleSourceRow.article_id, ArticleSourceRow.origin, ArticleSourceRow.content_hash)
            .join(ArticleRow, ArticleRow.id == ArticleSourceRow.article_id)
            .where(
                ArticleRow.status.in_(
                    [ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED]
                )
            )
        ).all()
        changed: dict[int, list[str]] = {}
        for article_id, origin, content_hash in rows:
            if current.get(origin) != content_hash:
                changed.setdefault(article_id, []).append(origin)
        affected: list[int] = []
        for article_id, origins in sorted(changed.items()):
            reason = f"Cited source(s) changed or removed: {', '.join(origins)}."
            affected += flag_articles(s, [article_id], reason=reason)
        return affected
