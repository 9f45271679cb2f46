"""Embedded search backend: a BM25 index (bm25s) and a vector matrix (numpy) in the data directory.

The store is the source of truth; this index is derived from it and stamped with the
knowledge-base version it was built from. A stale index is rebuilt into a temporary folder
and swapped in with a rename, so a reader never sees a half-built index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from medcite.errors import SearchError
from medcite.models import SourceKind
from medcite.search.backend import ChunkInfo, Filters, SearchBackend
from medcite.search.intent import ROLE_ORDER, Intent, passage_role_hits, roles_from_hits
from medcite.store import Store
from medcite.store.sources import IndexedChunk, iter_indexed_chunks, load_embeddings
from medcite.text.tokens import tokenize, tokenize_many

# 2: rerank metadata kept with the index; 3: origins and source keywords; 4: passage role cues
FORMAT_VERSION = 4
_KIND_CODES = {kind: i for i, kind in enumerate(SourceKind)}
_KINDS_BY_CODE = list(SourceKind)


def lexical_text(title: str, section_path: tuple[str, ...], text: str, keywords: tuple[str, ...] = ()) -> str:
    """What BM25 indexes for a chunk: its source's title and section (and, for the first chunk, the source's
    keywords: brand names and abbreviations the prose may not use) give it topical words."""
    return " ".join((title, " ".join(keywords), " ".join(section_path), text))


class EmbeddedBackend(SearchBackend):
    def __init__(
        self, store: Store, index_dir: Path, embedder_name: str | None, k1: float = 0.9, b: float = 0.4
    ):
        self.store = store
        self.dir = index_dir / "embedded"
        self.embedder_name = embedder_name
        self.k1 = k1
        self.b = b
        self._loaded_version: int | None = None
        self._bm25: bm25s.BM25 | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._kinds = np.zeros(0, dtype=np.int8)
        self._years = np.zeros(0, dtype=np.int16)
        self._specialties: list[str] = []
        self._specialty_codes = np.zeros(0, dtype=np.int32)
        self._vectors: np.ndarray | None = None
        self._position: dict[int, int] = {}
        self._source_ids = np.zeros(0, dtype=np.int64)
        self._tables = np.zeros(0, dtype=bool)
        self._section_codes = np.zeros(0, dtype=np.int32)
        self._sections: list[tuple[str, ...]] = []
        self._titles: dict[int, str] = {}
        self._origins: dict[int, str] = {}
        self._role_hits: np.ndarray | None = None
        self.last_build_seconds: float | None = None
        self.roles_computed = 0  # chunks whose role cues the last build computed (the rest were reused)

    # ---- building -------------------------------------------------------------------------
    def _state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads((self.dir / "state.json").read_text())
            return state
        except (OSError, ValueError):
            return None

    def _is_current(self, state: dict[str, Any] | None, kb_version: int) -> bool:
        return bool(
            state
            and state.get("kb_version") == kb_version
            and state.get("format") == FORMAT_VERSION
            and state.get("embedder") == self.embedder_name
            and state.get("k1") == self.k1
            and state.get("b") == self.b
        )

    def refresh(self) -> None:
        kb_version = self.store.kb_version()
        if self._loaded_version == kb_version and self._bm25 is not None:
            return
        if not self._is_current(self._state(), kb_version):
            self.build(kb_version)
        self._load()

    def build(self, kb_version: int | None = None) -> None:
        started = time.perf_counter()
        kb_version = self.store.kb_version() if kb_version is None else kb_version
        chunks = list(iter_indexed_chunks(self.store))
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=self.dir.parent))
        try:
            # A source's keywords go with its first chunk only: repeated on every chunk they would blur
            # which chunk of the source answers the query.
            first_chunk: dict[int, int] = {}
            for c in chunks:
                first_chunk.setdefault(c.source_id, c.chunk_id)
            corpus = tokenize_many(
                [
                    lexical_text(
                        c.source_title,
                        c.section_path,
                        c.text,
                        c.keywords if first_chunk[c.source_id] == c.chunk_id else (),
                    )
                    for c in chunks
                ]
            )
            # the numpy backend builds the same index as scipy's (checked token by token on the library)
            # and spares every process importing scipy (0.3 s of each `medcite ask`)
            retriever = bm25s.BM25(k1=self.k1, b=self.b, csc_backend="numpy")
            if chunks:
                retriever.index(corpus, show_progress=False)
                retriever.save(str(tmp / "bm25"))
            ids = np.array([c.chunk_id for c in chunks], dtype=np.int64)
            np.save(tmp / "ids.npy", ids)
            np.save(tmp / "kinds.npy", np.array([_KIND_CODES[c.source_kind] for c in chunks], dtype=np.int8))
            np.save(tmp / "years.npy", np.array([c.year or 0 for c in chunks], dtype=np.int16))
            specialties = sorted({(c.specialty or "").lower() for c in chunks})
            codes = {s: i for i, s in enumerate(specialties)}
            np.save(
                tmp / "specialties.npy",
                np.array([codes[(c.specialty or "").lower()] for c in chunks], np.int32),
            )
            _save_rerank_metadata(tmp, chunks)
            self.roles_computed = _save_role_hits(tmp, chunks, self.dir)
            has_vectors = False
            if self.embedder_name and chunks:
                from medcite.search.embeddings import get_embedder

                dim = get_embedder(self.embedder_name).dim
                vectors = load_embeddings(self.store, ids.tolist(), dim, self.embedder_name)
                has_vectors = bool(np.any(vectors))
                if has_vectors:
                    np.save(tmp / "vectors.npy", vectors)
            state = {
                "format": FORMAT_VERSION,
                "kb_version": kb_version,
                "embedder": self.embedder_name,
                "k1": self.k1,
                "b": self.b,
                "chunks": len(chunks),
                "has_vectors": has_vectors,
                "specialties": specialties,
                "built_at": time.time(),
            }
            (tmp / "state.json").write_text(json.dumps(state))
            old = self.dir.with_name(f".old-{os.getpid()}-{time.time_ns()}")
            if self.dir.exists():
                self.dir.rename(old)
            tmp.rename(self.dir)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            raise SearchError(f"Cannot write the search index in {self.dir}: {exc}") from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.last_build_seconds = time.perf_counter() - started

    def _load(self) -> None:
        state = self._state()
        if state is None:
            raise SearchError(
                f"The search index in {self.dir} is missing; run `medcite search` again to rebuild it."
            )
        try:
            self._ids = np.load(self.dir / "ids.npy")
            self._kinds = np.load(self.dir / "kinds.npy")
            self._years = np.load(self.dir / "years.npy")
            self._specialty_codes = np.load(self.dir / "specialties.npy")
            self._specialties = list(state.get("specialties", []))
            self._bm25 = (
                bm25s.BM25.load(str(self.dir / "bm25"), mmap=False) if len(self._ids) else bm25s.BM25()
            )
            self._vectors = np.load(self.dir / "vectors.npy") if state.get("has_vectors") else None
            self._source_ids = np.load(self.dir / "sources.npy")
            self._tables = np.load(self.dir / "tables.npy")
            self._section_codes = np.load(self.dir / "sections.npy")
            meta = json.loads((self.dir / "rerank.json").read_text())
            self._sections = [tuple(p) for p in meta["sections"]]
            self._titles = {int(k): v for k, v in meta["titles"].items()}
            self._origins = {int(k): v for k, v in meta.get("origins", {}).items()}
            self._role_hits = np.load(self.dir / "roles.npy")
        except (OSError, ValueError) as exc:
            raise SearchError(
                f"The search index in {self.dir} is damaged ({exc}); delete that folder to rebuild."
            ) from exc
        self._position = {int(cid): i for i, cid in enumerate(self._ids)}
        self._loaded_version = int(state["kb_version"])

    # ---- querying -------------------------------------------------------------------------
    def _mask(self, filters: Filters) -> np.ndarray | None:
        if not filters.active:
            return None
        mask = np.ones(len(self._ids), dtype=bool)
        if filters.kinds:
            mask &= np.isin(self._kinds, [_KIND_CODES[k] for k in filters.kinds])
        if filters.year_min:
            mask &= self._years >= filters.year_min
        if filters.year_max:
            mask &= (self._years <= filters.year_max) & (self._years > 0)
        if filters.specialty:
            wanted = filters.specialty.lower()
            code = self._specialties.index(wanted) if wanted in self._specialties else -1
            mask &= self._specialty_codes == code
        return mask

    def lexical(self, query: str, n: int, filters: Filters) -> list[tuple[int, float]]:
        if self._bm25 is None or not len(self._ids):
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        mask = self._mask(filters)
        k = min(n, len(self._ids))
        docs, scores = self._bm25.retrieve(
            [tokens],
            k=k,
            show_progress=False,
            weight_mask=None if mask is None else mask.astype(np.float32),
        )
        return [(int(self._ids[d]), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    @property
    def has_vectors(self) -> bool:
        return self._vectors is not None

    def dense(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
        if self._vectors is None or not len(self._ids):
            return []
        sims = self._vectors @ vector.astype(np.float32)
        mask = self._mask(filters)
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        k = min(n, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(self._ids[i]), float(sims[i])) for i in top if np.isfinite(sims[i])]

    def vectors(self, chunk_ids: list[int]) -> np.ndarray | None:
        if self._vectors is None:
            return None
        return self._vectors[[self._position[c] for c in chunk_ids]]

    def roles(self, chunk_ids: list[int]) -> dict[int, dict[Intent, float]]:
        """Role cues computed at build time: no text read and no regular expression on the query path."""
        if self._role_hits is None:
            return {}
        out = {}
        for cid in chunk_ids:
            i = self._position.get(cid)
            if i is not None:
                out[cid] = roles_from_hits(self._role_hits[i].tolist())
        return out

    def info(self, chunk_ids: list[int]) -> dict[int, ChunkInfo]:
        """From the arrays loaded with the index: no database round trip on the query path."""
        out = {}
        for cid in chunk_ids:
            i = self._position.get(cid)
            if i is None:
                continue
            source_id = int(self._source_ids[i])
            year = int(self._years[i])
            out[cid] = ChunkInfo(
                cid,
                source_id,
                _KINDS_BY_CODE[self._kinds[i]],
                year or None,
                self._sections[self._section_codes[i]],
                self._titles[source_id],
                bool(self._tables[i]),
                self._origins.get(source_id, ""),
            )
        return out


def _save_rerank_metadata(folder: Path, chunks: list[IndexedChunk]) -> None:
    """What `info()` needs per chunk, stored compactly: section paths and titles are shared."""
    sections: dict[tuple[str, ...], int] = {}
    codes = [sections.setdefault(c.section_path, len(sections)) for c in chunks]
    np.save(folder / "sources.npy", np.array([c.source_id for c in chunks], dtype=np.int64))
    np.save(folder / "tables.npy", np.array([c.is_table for c in chunks], dtype=bool))
    np.save(folder / "sections.npy", np.array(codes, dtype=np.int32))
    titles = {str(c.source_id): c.source_title for c in chunks}
    origins = {str(c.source_id): c.origin for c in chunks}
    (folder / "rerank.json").write_text(
        json.dumps({"sections": list(sections), "titles": titles, "origins": origins})
    )


def _text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _save_role_hits(folder: Path, chunks: list[IndexedChunk], previous: Path) -> int:
    """Role cue counts per chunk (search/intent.py), with a hash of the text they came from.

    The cues depend only on the chunk text, so a rebuild takes them from the previous index for
    every text it has seen and computes only new text. Returns how many chunks were computed.
    """
    hashes = np.array([_text_hash(c.text) for c in chunks], dtype=np.uint64)
    hits = np.zeros((len(chunks), len(ROLE_ORDER)), dtype=np.uint16)
    known: dict[int, int] = {}
    old_hits: np.ndarray | None = None
    try:
        old_hashes = np.load(previous / "role_hashes.npy")
        old_hits = np.load(previous / "roles.npy")
        if old_hits.shape == (len(old_hashes), len(ROLE_ORDER)):
            known = {int(h): i for i, h in enumerate(old_hashes.tolist())}
    except (OSError, ValueError):
        pass  # no previous index (or an older format): compute everything
    computed = 0
    first_seen: dict[int, int] = {}  # text repeated within this build (copies of a document)
    for i, (chunk, digest) in enumerate(zip(chunks, hashes.tolist(), strict=True)):
        j = known.get(digest)
        if j is not None and old_hits is not None:
            hits[i] = old_hits[j]
        elif digest in first_seen:
            hits[i] = hits[first_seen[digest]]
        else:
            hits[i] = np.minimum(passage_role_hits(chunk.text), np.iinfo(np.uint16).max)
            first_seen[digest] = i
            computed += 1
    np.save(folder / "roles.npy", hits)
    np.save(folder / "role_hashes.npy", hashes)
    return computed
