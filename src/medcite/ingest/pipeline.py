"""Ingest files into the knowledge base: detect, parse, chunk, classify, store, then embed.

Each file is its own transaction: an interrupted run leaves every file either fully stored
or untouched, and a re-run skips what is already there (same origin, same content hash).
Files are stored with the vectors that can be reused (unchanged chunks of a re-ingested file);
the embedding stage (`ingest/embed_stage.py`) then encodes all other chunks together in large
batches. BM25 search works as soon as a file is stored; dense search as its vectors land.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medcite.config import Settings
from medcite.errors import DocumentTooLargeError, EmptyDocumentError, InputError, MedCiteError
from medcite.ingest.chunking import chunk_sections
from medcite.ingest.classify import classify_kind
from medcite.ingest.embed_stage import EmbeddingReport, embed_pending, passage_text
from medcite.ingest.loaders import load_document
from medcite.ingest.walk import Candidate, iter_candidates
from medcite.models import ChunkDraft, SourceKind, SourceMeta
from medcite.search.embeddings import Embedder
from medcite.search.vector_cache import embed_with_reuse, vector_key
from medcite.store import Store
from medcite.store.sources import find_by_hash, find_by_origin, replace_source, vectors_for_origin


@dataclass
class FileOutcome:
    path: str
    status: str  # added | replaced | unchanged | duplicate | failed
    reason: str = ""
    chunks: int = 0
    source_id: int | None = None


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    embedding: EmbeddingReport | None = None  # None when ingest ran without an embedder

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def chunks(self) -> int:
        return sum(o.chunks for o in self.outcomes if o.status in ("added", "replaced"))

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def skipped(self) -> int:
        return self.count("unchanged") + self.count("duplicate")


@dataclass(frozen=True)
class PreparedDocument:
    """Everything needed to store one file, computed before the transaction opens."""

    origin: str
    content_hash: str
    fmt: str
    meta: SourceMeta
    kind: SourceKind
    kind_overridden: bool
    text: str
    chunks: list[ChunkDraft]


def origin_for(path: Path) -> str:
    return str(Path(os.path.realpath(path)))


def prepare_document(
    path: Path, data: bytes, settings: Settings, kind: SourceKind | None = None, origin: str | None = None
) -> PreparedDocument:
    """Parse and chunk one document. Raises an InputError subclass with a one-line reason."""
    parsed = load_document(path, data)
    chunked = chunk_sections(
        parsed.sections, settings.ingest.chunk_target_chars, settings.ingest.chunk_max_chars
    )
    if not chunked.chunks:
        raise EmptyDocumentError("no text found to index")
    return PreparedDocument(
        origin=origin or origin_for(path),
        content_hash=hashlib.sha256(data).hexdigest(),
        fmt=parsed.format,
        meta=parsed.meta,
        kind=kind or classify_kind(parsed),
        kind_overridden=kind is not None,
        text=chunked.text,
        chunks=chunked.chunks,
    )


def embedding_text(title: str, chunk: ChunkDraft) -> str:
    """What the dense model sees: the source title and section give a chunk its topic."""
    return passage_text(title, chunk.section_path, chunk.text)


def store_prepared(
    store: Store,
    doc: PreparedDocument,
    embedder: Embedder | None,
    known_vectors: Mapping[str, np.ndarray] | None = None,
    encode: bool = True,
) -> int:
    """Store one prepared document atomically, with vectors for its chunks.

    Vectors already known for identical text (this origin's previous version, `known_vectors`)
    are reused. The rest are encoded here, or with `encode=False` left for the embedding stage
    (`embed_pending`), which batches them with other files' chunks.
    """
    embeddings: np.ndarray | list[np.ndarray | None] | None = None
    if embedder is not None:
        known = dict(known_vectors or {})
        for title, section_path, text, blob in vectors_for_origin(store, doc.origin, embedder.name):
            known[vector_key(embedder.name, passage_text(title, section_path, text))] = np.frombuffer(
                blob, dtype=np.float32
            )
        texts = [embedding_text(doc.meta.title, c) for c in doc.chunks]
        if encode:
            embeddings, _encoded = embed_with_reuse(embedder, texts, known)
        else:
            embeddings = [known.get(vector_key(embedder.name, t)) for t in texts]
    return replace_source(
        store,
        origin=doc.origin,
        content_hash=doc.content_hash,
        fmt=doc.fmt,
        meta=doc.meta,
        kind=doc.kind,
        kind_overridden=doc.kind_overridden,
        text=doc.text,
        chunks=doc.chunks,
        embeddings=embeddings,
        embedding_model=embedder.name if embedder else None,
    )


def ingest_paths(
    paths: Sequence[Path],
    store: Store,
    settings: Settings,
    embedder: Embedder | None,
    kind: SourceKind | None = None,
    force: bool = False,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_embed: Callable[[int, int], None] | None = None,
    resume_embedding: bool = False,
) -> IngestReport:
    """Ingest files and folders; one bad file never stops the others.

    With an embedder, every file is stored first and then every chunk waiting for a vector from that
    embedder is encoded (`embed_pending`), including chunks left over by an earlier, interrupted
    run. The stage runs when this call stored a file, or always with `resume_embedding` (what
    `medcite ingest` does): looking for waiting chunks scans the chunk table (about 0.25 s at 100k
    chunks), too much for the folder sync that precedes every `medcite ask`.
    `on_embed(done, total)` reports that stage's progress.
    """
    report = IngestReport()
    for candidate in iter_candidates(list(paths), settings.ingest.follow_symlinks):
        outcome = _ingest_one(candidate, store, settings, embedder, kind, force)
        report.outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    stored = any(o.status in ("added", "replaced") for o in report.outcomes)
    if embedder is not None and (stored or resume_embedding):
        report.embedding = embed_pending(
            store,
            embedder,
            max_chars=settings.ingest.embed_chars,
            batch_size=settings.ingest.embed_batch,
            progress=on_embed,
        )
    return report


def _ingest_one(
    candidate: Candidate,
    store: Store,
    settings: Settings,
    embedder: Embedder | None,
    kind: SourceKind | None,
    force: bool,
) -> FileOutcome:
    path = candidate.path
    if candidate.problem:
        return FileOutcome(str(path), "failed", candidate.problem)
    try:
        data = _read_limited(path, settings.ingest.max_file_mb)
        origin = origin_for(path)
        content_hash = hashlib.sha256(data).hexdigest()
        existing = find_by_origin(store, origin)
        if existing and existing[1] == content_hash and not force:
            return FileOutcome(str(path), "unchanged", source_id=existing[0])
        if not existing:
            twin = find_by_hash(store, content_hash)
            if twin and not force:
                return FileOutcome(str(path), "duplicate", f"same content as {twin}")
        doc = prepare_document(path, data, settings, kind, origin)
        source_id = store_prepared(store, doc, embedder, encode=False)
        return FileOutcome(
            str(path), "replaced" if existing else "added", chunks=len(doc.chunks), source_id=source_id
        )
    except InputError as exc:
        return FileOutcome(str(path), "failed", _one_line(str(exc)))
    except MedCiteError:
        raise  # store or configuration problems stop the run: every later file would fail too
    except RecursionError:
        return FileOutcome(str(path), "failed", "document nesting too deep to parse")
    except MemoryError:
        return FileOutcome(str(path), "failed", "document too large to parse in memory")
    except Exception as exc:  # third-party parsers raise anything; report, never crash
        return FileOutcome(
            str(path), "failed", _one_line(f"could not parse: {exc.__class__.__name__}: {exc}")
        )


def _one_line(reason: str, limit: int = 300) -> str:
    """Reasons are printed one per file: collapse whitespace and cap the length."""
    flat = " ".join(reason.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _read_limited(path: Path, max_mb: float) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from exc
    limit = int(max_mb * 1024 * 1024)
    if size > limit:
        raise DocumentTooLargeError(
            f"file is {size / 1024 / 1024:.0f} MB, over the {max_mb:g} MB limit (MEDCITE_INGEST__MAX_FILE_MB)"
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from exc
    if len(data) > limit:
        raise DocumentTooLargeError(f"file grew past the {max_mb:g} MB limit while being read")
    if not data.strip():
        raise EmptyDocumentError("the file is empty")
    return data
