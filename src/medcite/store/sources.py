"""Knowledge-base records: add, replace, list and remove sources with their chunks.

A source and all its chunks change in one transaction, and every change bumps the
knowledge-base version so derived search indexes know to refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import ColumnElement, and_, delete, func, select, update

from medcite.errors import NotFoundError
from medcite.models import ChunkDraft, SearchHit, SourceKind, SourceMeta
from medcite.store.database import Store
from medcite.store.staleness import mark_articles_stale
from medcite.store.tables import ChunkRow, SourceRow


@dataclass(frozen=True)
class SourceSummary:
    id: int
    origin: str
    title: str
    kind: SourceKind
    format: str
    year: int | None
    chunks: int
    ingested_at: datetime


@dataclass(frozen=True)
class IndexedChunk:
    """A chunk with the source fields search needs for filtering, ranking and citing."""

    chunk_id: int
    source_id: int
    text: str
    section_path: tuple[str, ...]
    char_start: int
    char_end: int
    page: int | None
    is_table: bool
    source_title: str
    source_kind: SourceKind
    year: int | None
    specialty: str | None
    origin: str = ""
    keywords: tuple[str, ...] = ()


def find_by_origin(store: Store, origin: str) -> tuple[int, str] | None:
    """(source id, content hash) for an origin, or None."""
    with store.session() as s:
        row = s.execute(
            select(SourceRow.id, SourceRow.content_hash).where(SourceRow.origin == origin)
        ).first()
        return (row[0], row[1]) if row else None


def find_by_hash(store: Store, content_hash: str) -> str | None:
    """The origin already holding this exact content, if any."""
    with store.session() as s:
        return s.scalar(select(SourceRow.origin).where(SourceRow.content_hash == content_hash).limit(1))


def _nul_free(store: Store) -> Callable[[str | None], str | None]:
    """PostgreSQL text cannot hold NUL; U+FFFD keeps every character offset (SQLite stores as is)."""
    postgres = store.engine.dialect.name == "postgresql"

    def clean(value: str | None) -> str | None:
        return value.replace("\x00", "\ufffd") if postgres and value is not None else value

    return clean


def replace_source(
    store: Store,
    *,
    origin: str,
    content_hash: str,
    fmt: str,
    meta: SourceMeta,
    kind: SourceKind,
    kind_overridden: bool,
    text: str,
    chunks: Sequence[ChunkDraft],
    embeddings: np.ndarray | Sequence[np.ndarray | None] | None = None,
    embedding_model: str | None = None,
) -> int:
    """Insert a source, or replace the one at `origin`, with its chunks, atomically.

    `embeddings` holds one vector per chunk; a None row stores the chunk as waiting for a vector
    from `embedding_model` (the embedding stage, `chunks_without_vectors`, fills it in). Without
    `embeddings` the chunks have no vector and wait for none (BM25-only ingest).
    """
    if embeddings is not None and len(embeddings) != len(chunks):
        raise ValueError("one embedding per chunk (or None) is required")
    clean = _nul_free(store)
    with store.session() as s:
        old_id = s.scalar(select(SourceRow.id).where(SourceRow.origin == origin))
        s.execute(delete(SourceRow).where(SourceRow.origin == origin))
        s.flush()
        row = SourceRow(
            origin=origin,
            content_hash=content_hash,
            format=fmt,
            kind=kind.value,
            kind_overridden=kind_overridden,
            title=clean(meta.title or origin.rsplit("/", 1)[-1]),
            authors=list(meta.authors),
            organisation=clean(meta.organisation),
            journal=clean(meta.journal),
            publisher=clean(meta.publisher),
            year=meta.year,
            pmid=clean(meta.pmid),
            doi=clean(meta.doi),
            url=clean(meta.url),
            licence=clean(meta.licence),
            specialty=clean(meta.specialty),
            status=clean(meta.status),
            meta={"keywords": meta.keywords, "evidence_grade": meta.evidence_grade, **meta.extra},
            text=clean(text),
            ingested_at=datetime.now(UTC),
        )
        s.add(row)
        s.flush()
        s.add_all(
            ChunkRow(
                source_id=row.id,
                ordinal=c.ordinal,
                section_path=[clean(p) for p in c.section_path],
                text=clean(c.text),
                char_start=c.char_start,
                char_end=c.char_end,
                page=c.page,
                is_table=c.is_table,
                embedding=None if vector is None else np.asarray(vector, np.float32).tobytes(),
                embedding_model=None if embeddings is None else embedding_model,
            )
            for c, vector in zip(
                chunks, embeddings if embeddings is not None else [None] * len(chunks), strict=True
            )
        )
        if old_id is not None:  # articles citing the old content go back for review, same commit
            reason = f"Source {old_id} ({origin}) was replaced by a changed version (now source {row.id})."
            mark_articles_stale(
                s, [old_id], reason=reason, origins=[origin], new_hashes={origin: content_hash}
            )
        Store.bump_kb_version(s)
        return row.id


def remove_source(store: Store, source_id: int) -> str:
    """Delete a source and its chunks; returns its title. Raises NotFoundError."""
    with store.session() as s:
        row = s.get(SourceRow, source_id)
        if row is None:
            raise NotFoundError(f"No source with id {source_id}. See `medcite sources list`.")
        title = row.title
        s.execute(delete(ChunkRow).where(ChunkRow.source_id == source_id))
        s.delete(row)
        reason = f"Source {source_id} ({row.origin}) was removed."
        mark_articles_stale(s, [source_id], reason=reason, origins=[row.origin])
        Store.bump_kb_version(s)
        return title


def list_sources(store: Store, kind: SourceKind | None = None) -> list[SourceSummary]:
    with store.session() as s:
        counts = (
            select(ChunkRow.source_id, func.count(ChunkRow.id).label("n"))
            .group_by(ChunkRow.source_id)
            .subquery()
        )
        query = (
            select(SourceRow, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.source_id == SourceRow.id)
            .order_by(SourceRow.id)
        )
        if kind is not None:
            query = query.where(SourceRow.kind == kind.value)
        return [
            SourceSummary(
                id=r.id,
                origin=r.origin,
                title=r.title,
                kind=SourceKind(r.kind),
                format=r.format,
                year=r.year,
                chunks=int(n),
                ingested_at=r.ingested_at,
            )
            for r, n in s.execute(query)
        ]


def get_source(store: Store, source_id: int) -> SourceRow:
    """A detached source row with its chunks loaded."""
    with store.session() as s:
        row = s.get(SourceRow, source_id)
        if row is None:
            raise NotFoundError(f"No source with id {source_id}. See `medcite sources list`.")
        _ = list(row.chunks)
        s.expunge(row)
        return row


def count_chunks(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count(ChunkRow.id))) or 0)


def iter_indexed_chunks(store: Store, batch: int = 5000) -> Iterator[IndexedChunk]:
    """All chunks in id order with their source fields, streamed in batches."""
    last_id = 0
    while True:
        with store.session() as s:
            rows = s.execute(
                select(
                    ChunkRow.id,
                    ChunkRow.source_id,
                    ChunkRow.text,
                    ChunkRow.section_path,
                    ChunkRow.char_start,
                    ChunkRow.char_end,
                    ChunkRow.page,
                    ChunkRow.is_table,
                    SourceRow.title,
                    SourceRow.kind,
                    SourceRow.year,
                    SourceRow.specialty,
                    SourceRow.origin,
                    SourceRow.meta,
                )
                .join(SourceRow, SourceRow.id == ChunkRow.source_id)
                .where(ChunkRow.id > last_id)
                .order_by(ChunkRow.id)
                .limit(batch)
            ).all()
        if not rows:
            return
        for r in rows:
            yield IndexedChunk(
                chunk_id=r[0],
                source_id=r[1],
                text=r[2],
                section_path=tuple(r[3] or ()),
                char_start=r[4],
                char_end=r[5],
                page=r[6],
                is_table=bool(r[7]),
                source_title=r[8],
                source_kind=SourceKind(r[9]),
                year=r[10],
                specialty=r[11],
                origin=r[12],
                keywords=tuple(str(k) for k in (r[13] or {}).get("keywords") or ()),
            )
        last_id = rows[-1][0]


def source_chunks(store: Store, source_id: int, limit: int = 40) -> list[SearchHit]:
    """A source's chunks in reading order, as unscored hits (for reading a short source whole)."""
    with store.session() as s:
        rows = s.execute(
            select(
                ChunkRow.id,
                ChunkRow.text,
                ChunkRow.section_path,
                ChunkRow.char_start,
                ChunkRow.char_end,
                ChunkRow.page,
                SourceRow.title,
                SourceRow.kind,
                SourceRow.year,
            )
            .join(SourceRow, SourceRow.id == ChunkRow.source_id)
            .where(ChunkRow.source_id == source_id)
            .order_by(ChunkRow.ordinal)
            .limit(limit)
        ).all()
    return [
        SearchHit(
            chunk_id=r[0],
            source_id=source_id,
            score=0.0,
            text=r[1],
            section_path=tuple(r[2] or ()),
            source_title=r[6],
            source_kind=SourceKind(r[7]),
            year=r[8],
            char_start=r[3],
            char_end=r[4],
            page=r[5],
        )
        for r in rows
    ]


def load_embeddings(store: Store, chunk_ids: Sequence[int], dim: int, model: str) -> np.ndarray:
    """Vectors for the given chunks in that order; zero rows where a chunk has none for `model`."""
    out = np.zeros((len(chunk_ids), dim), dtype=np.float32)
    position = {cid: i for i, cid in enumerate(chunk_ids)}
    last_id = 0
    while True:
        with store.session() as s:
            rows = s.execute(
                select(ChunkRow.id, ChunkRow.embedding, ChunkRow.embedding_model)
                .where(ChunkRow.id > last_id)
                .order_by(ChunkRow.id)
                .limit(5000)
            ).all()
        if not rows:
            return out
        for cid, blob, name in rows:
            if blob is not None and name == model and cid in position:
                out[position[cid]] = np.frombuffer(blob, dtype=np.float32)
        last_id = rows[-1][0]


def vectors_for_origin(
    store: Store, origin: str, model: str
) -> list[tuple[str, tuple[str, ...], str, bytes]]:
    """(source title, section path, chunk text, vector bytes) already stored for an origin.

    Re-ingesting an edited document reuses these for unchanged chunks instead of re-encoding them.
    """
    with store.session() as s:
        rows = s.execute(
            select(SourceRow.title, ChunkRow.section_path, ChunkRow.text, ChunkRow.embedding)
            .join(SourceRow, SourceRow.id == ChunkRow.source_id)
            .where(
                SourceRow.origin == origin, ChunkRow.embedding_model == model, ChunkRow.embedding.is_not(None)
            )
        ).all()
    return [(r[0], tuple(r[1] or ()), r[2], r[3]) for r in rows if r[3] is not None]


@dataclass(frozen=True)
class PendingChunk:
    """A chunk waiting for its vector, and what its embedding text is made of."""

    chunk_id: int
    source_title: str
    section_path: tuple[str, ...]
    text: str


def _pending(model: str) -> ColumnElement[bool]:
    """Stored by an ingest with `model` as its embedder and not encoded yet (BM25-only chunks have no
    model and are left alone, so a later ingest never starts encoding a corpus stored without vectors)."""
    return and_(ChunkRow.embedding.is_(None), ChunkRow.embedding_model == model)


def count_chunks_without_vectors(store: Store, model: str) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count(ChunkRow.id)).where(_pending(model))) or 0)


def chunks_without_vectors(
    store: Store, model: str, after_id: int = 0, limit: int = 2048
) -> list[PendingChunk]:
    """The next `limit` chunks (in id order, after `after_id`) waiting for a vector from `model`."""
    with store.session() as s:
        rows = s.execute(
            select(ChunkRow.id, SourceRow.title, ChunkRow.section_path, ChunkRow.text)
            .join(SourceRow, SourceRow.id == ChunkRow.source_id)
            .where(ChunkRow.id > after_id, _pending(model))
            .order_by(ChunkRow.id)
            .limit(limit)
        ).all()
    return [PendingChunk(r[0], r[1], tuple(r[2] or ()), r[3]) for r in rows]


def store_vectors(store: Store, model: str, items: Sequence[tuple[PendingChunk, np.ndarray]]) -> int:
    """Write vectors for pending chunks in one transaction; returns how many were written.

    A chunk whose source was replaced or removed while it was being encoded (its row is gone, or
    its id now holds other text) is left alone: the vector belongs to text that is no longer there.
    """
    if not items:
        return 0
    with store.session() as s:
        ids = [chunk.chunk_id for chunk, _ in items]
        current = {
            r[0]: (r[1], tuple(r[2] or ()), r[3])
            for r in s.execute(
                select(ChunkRow.id, SourceRow.title, ChunkRow.section_path, ChunkRow.text)
                .join(SourceRow, SourceRow.id == ChunkRow.source_id)
                .where(ChunkRow.id.in_(ids), _pending(model))
            )
        }
        rows = [
            {
                "id": chunk.chunk_id,
                "embedding": np.asarray(vector, np.float32).tobytes(),
                "embedding_model": model,
            }
            for chunk, vector in items
            if current.get(chunk.chunk_id) == (chunk.source_title, chunk.section_path, chunk.text)
        ]
        if rows:
            s.execute(update(ChunkRow), rows)
            Store.bump_kb_version(s)
        return len(rows)
