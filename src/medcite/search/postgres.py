"""PostgreSQL search backend: BM25 over full-text tsvectors, cosine search with pgvector.

For shared deployments: every API worker opens the same database and nothing lives only in one
process's memory. The schema comes from migration 0002:

- `chunks.search_tsv`: an English tsvector over title + section path + text, kept by a trigger,
  with a GIN index. Matching always uses these live rows.
- `chunks.embedding_vec vector(384)`: a stored generated column that the database decodes from
  `chunks.embedding` (the float32 bytes ingest writes, which stay the source of truth), with an
  HNSW cosine index. Being generated, a chunk's vector is written in the same transaction as the
  chunk by whichever process ingests, so no worker ever has to backfill and no search waits for
  one; the store code is identical on SQLite and PostgreSQL.
- `search_lexemes` / `search_stats`: document frequencies, document count and average length for
  BM25. `refresh()` rebuilds them when the knowledge-base version moves, under an advisory lock so
  concurrent workers do it once; only these weights can be one refresh behind.

Ranking is Okapi BM25 computed in SQL (same k1, b and idf as the embedded backend), not
`ts_rank_cd`: ts_rank_cd has no inverse document frequency, so with OR queries a chunk that
repeats a common word ("patients", "treatment") beats one that holds the rare drug name asked for.
HNSW rather than IVFFlat: it needs no training pass over existing rows (IVFFlat's lists are fixed
when the index is built, which here is on an empty table), accepts inserts without degrading, and
gives better recall per millisecond; its cost is a slower insert, paid once at ingest.
"""

from __future__ import annotations

import logging

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from medcite.errors import ConfigError, SearchError
from medcite.models import SourceKind
from medcite.search.backend import ChunkInfo, Filters, SearchBackend
from medcite.store import Store

TS_CONFIG = "english"  # Snowball English stemmer and stop words, as the embedded BM25 uses
_REFRESH_LOCK_KEY = 0x6D656473  # advisory lock shared by every worker's refresh()
_MAX_EF_SEARCH = 1000  # pgvector's upper bound for hnsw.ef_search

_log = logging.getLogger(__name__)

_LEXEMES_SQL = text(
    "SELECT DISTINCT lexeme FROM unnest(tsvector_to_array(to_tsvector(CAST(:cfg AS regconfig), :q))) "
    "AS lexeme ORDER BY lexeme"
)

# BM25 (Lucene variant, as bm25s): idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
# term score = idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)). Candidates come from the GIN
# index; for each, only the query's lexemes are kept (setweight + ts_filter, done in C) and unnested.
_BM25_SQL = """
WITH terms AS (
    SELECT t.lexeme, ln(1 + (st.n_docs - coalesce(l.ndoc, 0) + 0.5) / (coalesce(l.ndoc, 0) + 0.5)) AS idf
    FROM unnest(CAST(:lexemes AS text[])) AS t(lexeme)
    CROSS JOIN search_stats AS st
    LEFT JOIN search_lexemes AS l ON l.lexeme = t.lexeme
    WHERE st.id = 1
),
matches AS (
    SELECT c.id, c.search_len, c.search_tsv
    FROM chunks AS c JOIN sources AS s ON s.id = c.source_id
    WHERE c.search_tsv @@ CAST(:tsquery AS tsquery) {where}
),
norm AS (SELECT greatest(avg_len, 1.0) AS avg_len FROM search_stats WHERE id = 1)
SELECT m.id,
       sum(terms.idf * u.tf / (u.tf + :k1 * (1 - :b + :b * m.search_len / norm.avg_len))) AS score
FROM matches AS m
CROSS JOIN norm
CROSS JOIN LATERAL (
    SELECT w.lexeme, coalesce(array_length(w.positions, 1), 1) AS tf
    FROM unnest(ts_filter(setweight(setweight(m.search_tsv, 'D'), 'A', CAST(:lexemes AS text[])), '{{a}}'))
         AS w
) AS u
JOIN terms ON terms.lexeme = u.lexeme
GROUP BY m.id
ORDER BY score DESC, m.id
LIMIT :n
"""

_DENSE_SQL = """
SELECT c.id, 1 - (c.embedding_vec <=> CAST(:vec AS vector)) AS similarity
FROM chunks AS c JOIN sources AS s ON s.id = c.source_id
WHERE c.embedding_vec IS NOT NULL AND c.embedding_model = :model {where}
ORDER BY c.embedding_vec <=> CAST(:vec AS vector)
LIMIT :n
"""


def tsquery_literal(lexemes: list[str]) -> str:
    """An OR query over already-normalised lexemes, quoted so no lexeme is parsed again."""
    quoted = ("'" + lex.replace("\\", "\\\\").replace("'", "''") + "'" for lex in lexemes)
    return " | ".join(quoted)


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text input form: '[0.1,0.2,...]'."""
    return "[" + ",".join(map(repr, np.asarray(vector, dtype=np.float32).tolist())) + "]"


def _filter_sql(filters: Filters) -> tuple[str, dict[str, object]]:
    parts: list[str] = []
    params: dict[str, object] = {}
    if filters.kinds:
        parts.append("s.kind = ANY(CAST(:kinds AS text[]))")
        params["kinds"] = [k.value for k in filters.kinds]
    if filters.year_min:
        parts.append("s.year >= :year_min")
        params["year_min"] = filters.year_min
    if filters.year_max:
        parts.append("s.year <= :year_max")
        params["year_max"] = filters.year_max
    if filters.specialty:
        parts.append("lower(s.specialty) = :specialty")
        params["specialty"] = filters.specialty.lower()
    return "".join(f" AND {p}" for p in parts), params


class PostgresBackend(SearchBackend):
    """Search served by the PostgreSQL database that holds the knowledge base."""

    def __init__(self, store: Store, embedder_name: str | None, k1: float = 0.9, b: float = 0.4) -> None:
        if store.engine.dialect.name != "postgresql":
            raise ConfigError(
                "The 'postgres' search backend needs a PostgreSQL knowledge base: set "
                "MEDCITE_STORE__DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB, or use "
                "MEDCITE_SEARCH__BACKEND=embedded."
            )
        self.store = store
        self.embedder_name = embedder_name
        self.k1 = k1
        self.b = b
        self._seen_version: int | None = None
        self._has_vectors = False
        self.vector_dim, self._iterative_scan = self._inspect_vectors()
        self.dense_unavailable: str | None = None
        if embedder_name and self.vector_dim is None:
            self.dense_unavailable = (
                "pgvector is not available in this PostgreSQL database, so PostgreSQL search is "
                "lexical only. To turn dense search on, install pgvector on the server and run the "
                "SQL under 'Adding pgvector later' in docs/deployment.md."
            )
            _log.warning(self.dense_unavailable)

    def _inspect_vectors(self) -> tuple[int | None, bool]:
        """(dimension of chunks.embedding_vec or None, whether pgvector can scan HNSW iteratively)."""
        with self.store.session() as s:
            if s.scalar(text("SELECT to_regclass('search_stats') IS NOT NULL")) is not True:
                raise SearchError(
                    "The PostgreSQL search tables are missing; open the store with migrations on "
                    "(any `medcite` command does) to create them."
                )
            dim = s.scalar(
                text(
                    "SELECT a.atttypmod FROM pg_attribute AS a "
                    "WHERE a.attrelid = to_regclass('chunks') AND a.attname = 'embedding_vec' "
                    "AND NOT a.attisdropped"
                )
            )
            version = s.scalar(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'"))
        if dim is None or version is None:
            return None, False
        major_minor = tuple(int(p) for p in str(version).split(".")[:2])
        return int(dim), major_minor >= (0, 8)

    # ---- refreshing -----------------------------------------------------------------------
    def refresh(self) -> None:
        version = self.store.kb_version()
        if version == self._seen_version:
            return
        with self.store.session() as s:
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REFRESH_LOCK_KEY})
            if s.scalar(text("SELECT kb_version FROM search_stats WHERE id = 1")) != version:
                self._rebuild_statistics(s, version)
            if self.vector_dim is not None and self.embedder_name:
                self._has_vectors = bool(
                    s.scalar(
                        text(
                            "SELECT EXISTS (SELECT 1 FROM chunks WHERE embedding_vec IS NOT NULL "
                            "AND embedding_model = :model)"
                        ),
                        {"model": self.embedder_name},
                    )
                )
        self._seen_version = version

    @staticmethod
    def _rebuild_statistics(s: Session, version: int) -> None:
        """Document frequencies and lengths for BM25, stamped with the version they describe."""
        s.execute(text("DELETE FROM search_lexemes"))
        s.execute(
            text(
                "INSERT INTO search_lexemes (lexeme, ndoc) "
                "SELECT word, ndoc FROM ts_stat('SELECT search_tsv FROM chunks WHERE search_tsv IS NOT NULL')"
            )
        )
        s.execute(
            text(
                "UPDATE search_stats SET kb_version = :version, updated_at = now(), "
                "n_docs = (SELECT count(*) FROM chunks), "
                "avg_len = (SELECT coalesce(avg(search_len), 0) FROM chunks) WHERE id = 1"
            ),
            {"version": version},
        )

    # ---- querying -------------------------------------------------------------------------
    def lexical(self, query: str, n: int, filters: Filters) -> list[tuple[int, float]]:
        where, params = _filter_sql(filters)
        with self.store.session() as s:
            lexemes = list(s.scalars(_LEXEMES_SQL, {"cfg": TS_CONFIG, "q": query}))
            if not lexemes:
                return []
            rows = s.execute(
                text(_BM25_SQL.format(where=where)),
                {
                    **params,
                    "lexemes": lexemes,
                    "tsquery": tsquery_literal(lexemes),
                    "k1": self.k1,
                    "b": self.b,
                    "n": n,
                },
            ).all()
        return [(int(cid), float(score)) for cid, score in rows if score > 0]

    @property
    def has_vectors(self) -> bool:
        return self._has_vectors

    def dense(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
        if not self._has_vectors:
            return []
        if vector.shape != (self.vector_dim,):
            raise SearchError(
                f"The query vector has {vector.shape[-1]} dimensions but the PostgreSQL vector column "
                f"holds {self.vector_dim}; use the embedder the knowledge base was built with."
            )
        where, params = _filter_sql(filters)
        with self.store.session() as s:
            # HNSW returns ef_search candidates before filters apply: widen it to n, and let
            # pgvector >= 0.8 keep scanning until n rows pass the filters.
            ef = str(min(max(n, 40), _MAX_EF_SEARCH))
            s.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"), {"ef": ef})
            if self._iterative_scan:
                s.execute(text("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)"))
            rows = s.execute(
                text(_DENSE_SQL.format(where=where)),
                {**params, "vec": vector_literal(vector), "model": self.embedder_name, "n": n},
            ).all()
        # relaxed_order may return neighbours slightly out of order: sort by similarity here.
        return sorted(((int(cid), float(sim)) for cid, sim in rows), key=lambda r: (-r[1], r[0]))

    def vectors(self, chunk_ids: list[int]) -> np.ndarray | None:
        """Stored vectors in the order asked, read from the embedding bytes (the source of truth)."""
        if not self._has_vectors or self.vector_dim is None:
            return None
        out = np.zeros((len(chunk_ids), self.vector_dim), dtype=np.float32)
        if not chunk_ids:
            return out
        position = {cid: i for i, cid in enumerate(chunk_ids)}
        with self.store.session() as s:
            rows = s.execute(
                text(
                    "SELECT id, embedding FROM chunks WHERE id = ANY(CAST(:ids AS integer[])) "
                    "AND embedding_model = :model AND embedding IS NOT NULL"
                ),
                {"ids": list(chunk_ids), "model": self.embedder_name},
            ).all()
        for cid, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape == (self.vector_dim,):
                out[position[cid]] = vector
        return out

    def info(self, chunk_ids: list[int]) -> dict[int, ChunkInfo]:
        if not chunk_ids:
            return {}
        with self.store.session() as s:
            rows = s.execute(
                text(
                    "SELECT c.id, c.source_id, s.kind, s.year, c.section_path, s.title, c.is_table, s.origin "
                    "FROM chunks AS c JOIN sources AS s ON s.id = c.source_id "
                    "WHERE c.id = ANY(CAST(:ids AS integer[]))"
                ),
                {"ids": list(chunk_ids)},
            ).all()
        return {
            r[0]: ChunkInfo(r[0], r[1], SourceKind(r[2]), r[3], tuple(r[4] or ()), r[5], bool(r[6]), r[7])
            for r in rows
        }
