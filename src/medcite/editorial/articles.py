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

Every article records the MedCite that composed it (`composer_version`: package version plus a
fingerprint of the composing code, `medcite.answer.fingerprint`). A draft (Submitted or Under review)
composed by another MedCite is composed again when next asked and replaced as a new content version,
with the old one kept in its history (`recompose_article`); human-reviewed content (Approved, Needs
re-review) is never replaced by a machine and keeps the version it was reviewed on.
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

from medcite.answer.fingerprint import composer_version as current_composer_version
from medcite.editorial import answer_adapter
from medcite.editorial.normalise import normalise_question, question_key
from medcite.editorial.records import ArticleView, add_event, load_row, load_view, to_view, write_article
from medcite.editorial.similarity import compatible
from medcite.editorial.transitions import SYSTEM
from medcite.errors import ConflictError, NotFoundError, StoreError
from medcite.models import ReviewStatus
from medcite.store import Store
from medcite.store.tables import ArticleRow, ArticleSourceRow, ArticleVersionRow, SourceRow, UserRow

# Measured on bench/data/question_pairs.tsv with e5-small (docs/benchmarks.md): with the number and
# qualifier rules, 0.965 was the lowest threshold reusing no different-meaning pair (the closest one
# scored 0.9627); 0.97 keeps a margin above it. Precision 1.00, recall 0.28 on that set.
REUSE_THRESHOLD = 0.97
DEFAULT_EMBEDDING_MODEL = "e5-small"

Reuse = Literal["approved_exact", "approved_semantic", "existing", "composed", "recomposed"]
# Drafts a machine may replace: nobody has approved their content yet.
RECOMPOSABLE = frozenset({ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW})


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
    composer_version: str | None = None,
) -> ArticleView:
    """Store a freshly composed answer as a new article (status Submitted, version 1), recording the
    MedCite that composed it (`composer_version`, the running one by default).

    Records the content hash of every cited source, for staleness. StoreError (caused by an
    IntegrityError) when a live article for the same question, audience and KB version exists;
    `get_or_create` handles that race.
    """
    answer_adapter.validate(answer)
    normalised = normalise_question(question)
    now = datetime.now(UTC)
    status = ReviewStatus.SUBMITTED
    composer = composer_version or current_composer_version()
    with store.session() as s:
        sources = _cited_sources(s, answer)
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
            composer_version=composer,
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
                composer_version=composer,
            )
        )
        _link_sources(s, row.id, sources)
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


def _cited_sources(session: Any, answer: dict[str, Any]) -> dict[int, tuple[str, str]]:
    """source id -> (origin, content hash) of every source the answer cites; NotFoundError if gone."""
    source_ids = answer_adapter.cited_source_ids(answer)
    sources = {
        sid: (origin, content_hash)
        for sid, origin, content_hash in session.execute(
            select(SourceRow.id, SourceRow.origin, SourceRow.content_hash).where(SourceRow.id.in_(source_ids))
        )
    }
    missing = [sid for sid in source_ids if sid not in sources]
    if missing:
        raise NotFoundError(
            f"The answer cites source(s) {', '.join(map(str, missing))}, which are not in the "
            "knowledge base; compose it again against the current knowledge base."
        )
    return sources


def _link_sources(session: Any, article_id: int, sources: dict[int, tuple[str, str]]) -> None:
    """Record which sources (origin and content hash) the article cites, for staleness checks."""
    session.add_all(
        ArticleSourceRow(article_id=article_id, source_id=sid, origin=origin, content_hash=content_hash)
        for sid, (origin, content_hash) in sources.items()
    )


def _content(answer: dict[str, Any]) -> dict[str, Any]:
    """What a reader is told, without what differs on every run (timings) or records the run."""
    return {k: v for k, v in answer.items() if k not in ("provenance", "review")}


def needs_recomposing(article: ArticleView, composer: str) -> bool:
    """A draft composed by another MedCite (or by one from before versions were recorded)."""
    return article.status in RECOMPOSABLE and article.composer_version != composer


def recompose_article(
    store: Store,
    article: ArticleView,
    compose: Callable[[], dict[str, Any]],
    composer_version: str | None = None,
    actor: str = SYSTEM,
) -> ArticleView:
    """Compose a draft again with the running MedCite and keep the result as its next content version.

    The old content stays in the article's versions and the audit log gets a "recompose" event naming
    both MedCite versions; status and assignee stay (a reviewer sees the new version and its diff). When
    the new composition says the same as the old one, only the recorded version changes. If someone else
    changed the article meanwhile (optimistic lock), their version wins and is returned as it is."""
    composer = composer_version or current_composer_version()
    answer = compose()
    answer_adapter.validate(answer)
    try:
        with store.session() as s:
            row = load_row(s, article.id)
            status = ReviewStatus(row.status)
            if row.version != article.version or not needs_recomposing(to_view(row, None), composer):
                raise ConflictError(f"Article {article.id} changed while it was being composed again.")
            before = row.composer_version or "an unrecorded earlier version"
            if _content(answer) == _content(row.answer):
                write_article(s, article.id, row.version, composer_version=composer)
                add_event(
                    s,
                    article_id=article.id,
                    actor=actor,
                    action="recompose",
                    from_status=status,
                    to_status=status,
                    content_version=row.content_version,
                    comment=f"composed again by MedCite {composer} (was {before}): content unchanged",
                )
            else:
                sources = _cited_sources(s, answer)
                content_version = row.content_version + 1
                write_article(
                    s,
                    article.id,
                    row.version,
                    answer=answer,
                    content_version=content_version,
                    composer_version=composer,
                )
                s.add(
                    ArticleVersionRow(
                        article_id=article.id,
                        version=content_version,
                        answer=answer,
                        edited_by=actor,
                        comment=f"composed again by MedCite {composer}",
                        created_at=datetime.now(UTC),
                        composer_version=composer,
                    )
                )
                for old in s.scalars(
                    select(ArticleSourceRow).where(ArticleSourceRow.article_id == article.id)
                ):
                    s.delete(old)
                _link_sources(s, article.id, sources)
                add_event(
                    s,
                    article_id=article.id,
                    actor=actor,
                    action="recompose",
                    from_status=status,
                    to_status=status,
                    content_version=content_version,
                    comment=f"composed again by MedCite {composer} (was {before}); version "
                    f"{row.content_version} kept in the history",
                )
    except ConflictError:
        pass  # another process recomposed (or a reviewer acted) first: serve what is stored now
    return get_article(store, article.id)


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
    composer_version: str | None = None,
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
            composer_version=composer_version,
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
    composer_version: str | None = None,
) -> tuple[ArticleView, Reuse]:
    """The article that answers `question`: approved content first, then an existing live article
    (composed again first when it is a draft from another MedCite), else a newly composed one (see the
    module docstring). The answer pipeline's entry point."""
    composer = composer_version or current_composer_version()
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
        composer_version=composer,
    )
    if created:
        return article, "composed"
    if needs_recomposing(article, composer):
        return recompose_article(store, article, compose, composer), "recomposed"
    return article, "existing"


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
