"""Articles: store a freshly composed answer, find approved content to reuse, avoid duplicates.

How a question is answered (`resolve_article`):
1. an Approved article for the same normalised question and audience, or for a semantically close
   question (cosine of e5-small question embeddings >= REUSE_THRESHOLD, same intent, same numbers)
   is served as it is, with its approval date and reviewers;
2. otherwise a live article for the same normalised question, audience and knowledge-base version
   (e.g. one still pending review) is served instead of composing a duplicate;
3. otherwise the answer is composed and stored as a new article, status Submitted.

Approved articles are reused across knowledge-base versions: a change to a source they cite
sends them back for re-review (see `staleness`), so an Approved article's evidence is current.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from medcite.editorial import answer_adapter
from medcite.editorial.normalise import normalise_question, question_key
from medcite.editorial.records import ArticleView, add_event, load_view, to_view
from medcite.editorial.similarity import compatible
from medcite.editorial.transitions import SYSTEM
from medcite.errors import NotFoundError, StoreError
from medcite.models import ReviewStatus
from medcite.store import Store
from medcite.store.tables import ArticleRow, ArticleSourceRow, ArticleVersionRow, SourceRow, UserRow

# Measured on bench/data/question_pairs.tsv with e5-small (docs/benchmarks.md): with the number and
# qualifier rules, 0.965 was the lowest threshold reusing no different-meaning pair (the closest one
# scored 0.9627); 0.97 keeps a margin above it. Precision 1.00, recall 0.28 on that set.
REUSE_THRESHOLD = 0.97
DEFAULT_EMBEDDING_MODEL = "e5-small"

Reuse = Literal["approved_exact", "approved_semantic", "existing", "composed"]


@dataclass(frozen=True)
class ReuseMatch:
    article: ArticleView
    how: Literal["exact", "semantic"]
    similarity: float


def dedupe_key(normalised_question: str, audience: str, kb_version: int) -> str:
    return hashlib.sha256(f"{audience}\x1f{kb_version}\x1f{normalised_question}".encode()).hexdigest()


def _views(session: Any, rows: list[ArticleRow]) -> list[ArticleView]:
    names = dict(session.execute(select(UserRow.id, UserRow.name)).all()) if rows else {}
    return [to_view(r, names.get(r.assigned_to)) for r in rows]


def find_reusable(
    store: Store,
    normalised_question: str,
    audience: str,
    kb_version: int,
    intent: str | None,
    question_vector: np.ndarray | None,
    *,
    threshold: float = REUSE_THRESHOLD,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
) -> ReuseMatch | None:
    """An Approved article that answers this question for this audience, or None.

    Exact normalised-question matches win (same knowledge-base version first, then the most
    recently approved). A semantic match needs the same intent, the same numbers ("fell from 30 to
    26" and "fell from 30 to 20" are different patients) and the same clinical qualifiers
    (children or adults, start or stop, ...: `similarity.compatible`).
    """
    approved = ReviewStatus.APPROVED.value
    with store.session() as s:
        exact = s.scalars(
            select(ArticleRow)
            .where(
                ArticleRow.status == approved,
                ArticleRow.question_key == question_key(normalised_question),
                ArticleRow.audience == audience,
            )
            .order_by(ArticleRow.approved_at.desc(), ArticleRow.id.desc())
        ).all()
        exact = [r for r in exact if r.normalised_question == normalised_question]
        if exact:
            best = sorted(exact, key=lambda r: r.kb_version != kb_version)[0]  # stable: keeps date order
            return ReuseMatch(_views(s, [best])[0], "exact", 1.0)
        if question_vector is None or intent is None:
            return None
        candidates = s.execute(
            select(ArticleRow.id, ArticleRow.normalised_question, ArticleRow.question_embedding).where(
                ArticleRow.status == approved,
                ArticleRow.audience == audience,
                ArticleRow.intent == intent,
                ArticleRow.embedding_model == embedding_model,
                ArticleRow.question_embedding.is_not(None),
            )
        ).all()
        query = np.asarray(question_vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        best_id, best_sim = None, -1.0
        for article_id, other_question, blob in candidates:
            vector = np.frombuffer(blob or b"", dtype=np.float32)
            if vector.shape != query.shape or not compatible(normalised_question, other_question):
                continue
            sim = float(vector @ query / (np.linalg.norm(vector) or 1.0))
            if sim > best_sim:
                best_id, best_sim = article_id, sim
        if best_id is None or best_sim < threshold:
            return None
        return ReuseMatch(load_view(s, best_id), "semantic", best_sim)


def find_live(store: Store, normalised_question: str, audience: str, kb_version: int) -> ArticleView | None:
    """The live (not Rejected or Withdrawn) article for this question, audience and KB version."""
    key = dedupe_key(normalised_question, audience, kb_version)
    with store.session() as s:
        row = s.scalar(select(ArticleRow).where(ArticleRow.dedupe_key == key))
        return None if row is None else _views(s, [row])[0]


def save_new_article(
    store: Store,
    *,
    question: str,
    answer: dict[str, Any],
    audience: str,
    kb_version: int,
    intent: str | None = None,
    question_vector: np.ndarray | None = None,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    actor: str = SYSTEM,
) -> ArticleView:
    """Store a freshly composed answer as a new article (status Submitted, version 1).

    Records the content hash of every cited source, for staleness. StoreError (caused by an
    IntegrityError) when a live article for the same question, audience and KB version exists;
    `get_or_create` handles that race.
    """
    answer_adapter.validate(answer)
    normalised = normalise_question(question)
    now = datetime.now(UTC)
    status = ReviewStatus.SUBMITTED
    with store.session() as s:
        source_ids = answer_adapter.cited_source_ids(answer)
        sources = {
            sid: (origin, content_hash)
            for sid, origin, content_hash in s.execute(
                select(SourceRow.id, SourceRow.origin, SourceRow.content_hash).where(
                    SourceRow.id.in_(source_ids)
                )
            )
        }
        missing = [sid for sid in source_ids if sid not in sources]
        if missing:
            raise NotFoundError(
                f"The answer cites source(s) {', '.join(map(str, missing))}, which are not in the "
                "knowledge base; compose it again against the current knowledge base."
            )
        row = ArticleRow(
            question=question,
            normalised_question=normalised,
            question_key=question_key(normalised),
            audience=audience,
            intent=intent,
            answer=answer,
            status=status.value,
            version=1,
            content_version=1,
            kb_version=kb_version,
            created_at=now,
            updated_at=now,
            reviewers=[],
            question_embedding=None
            if question_vector is None
            else np.asarray(question_vector, dtype=np.float32).tobytes(),
            embedding_model=None if question_vector is None else embedding_model,
            dedupe_key=dedupe_key(normalised, audience, kb_version),
        )
        s.add(row)
        s.flush()
        s.add(
            ArticleVersionRow(
                article_id=row.id,
                version=1,
                answer=answer,
                edited_by=actor,
                comment="composed",
                created_at=now,
            )
        )
        s.add_all(
            ArticleSourceRow(article_id=row.id, source_id=sid, origin=origin, content_hash=content_hash)
            for sid, (origin, content_hash) in sources.items()
        )
        add_event(
            s,
            article_id=row.id,
            actor=actor,
            action="create",
            from_status=None,
            to_status=status,
            content_version=1,
            comment="composed from the knowledge base",
        )
        s.flush()
        return to_view(row, None)


def get_or_create(
    store: Store,
    *,
    question: str,
    audience: str,
    kb_version: int,
    compose: Callable[[], dict[str, Any]],
    intent: str | None = None,
    question_vector: np.ndarray | None = None,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
) -> tuple[ArticleView, bool]:
    """(article, created): the live article for this question, audience and KB version, or a new one
    made from `compose()`. Two concurrent callers get the same article (the database decides)."""
    normalised = normalise_question(question)
    existing = find_live(store, normalised, audience, kb_version)
    if existing is not None:
        return existing, False
    answer = compose()
    try:
        article = save_new_article(
            store,
            question=question,
            answer=answer,
            audience=audience,
            kb_version=kb_version,
            intent=intent,
            question_vector=question_vector,
            embedding_model=embedding_model,
        )
    except StoreError as exc:
        if not isinstance(exc.__cause__, IntegrityError):
            raise
        winner = find_live(store, normalised, audience, kb_version)
        if winner is None:
            raise
        return winner, False
    return article, True


def resolve_article(
    store: Store,
    *,
    question: str,
    audience: str,
    kb_version: int,
    compose: Callable[[], dict[str, Any]],
    intent: str | None = None,
    question_vector: np.ndarray | None = None,
    threshold: float = REUSE_THRESHOLD,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
) -> tuple[ArticleView, Reuse]:
    """The article that answers `question`: approved content first, then an existing live article,
    else a newly composed one (see the module docstring). The answer pipeline's entry point."""
    normalised = normalise_question(question)
    match = find_reusable(
        store,
        normalised,
        audience,
        kb_version,
        intent,
        question_vector,
        threshold=threshold,
        embedding_model=embedding_model,
    )
    if match is not None:
        return match.article, "approved_exact" if match.how == "exact" else "approved_semantic"
    article, created = get_or_create(
        store,
        question=question,
        audience=audience,
        kb_version=kb_version,
        compose=compose,
        intent=intent,
        question_vector=question_vector,
        embedding_model=embedding_model,
    )
    return article, "composed" if created else "existing"


def get_article(store: Store, article_id: int) -> ArticleView:
    with store.session() as s:
        return load_view(s, article_id)


def list_articles(
    store: Store, *, statuses: list[ReviewStatus] | None = None, assigned_to: str | None = None
) -> list[ArticleView]:
    """Articles oldest first (the review queue order), optionally filtered."""
    with store.session() as s:
        query = select(ArticleRow).order_by(ArticleRow.created_at, ArticleRow.id)
        if statuses:
            query = query.where(ArticleRow.status.in_([st.value for st in statuses]))
        if assigned_to is not None:
            user_id = s.scalar(select(UserRow.id).where(UserRow.name == assigned_to))
            if user_id is None:
                raise NotFoundError(f"No user named {assigned_to!r} (see `medcite users list`).")
            query = query.where(ArticleRow.assigned_to == user_id)
        return _views(s, list(s.scalars(query)))
