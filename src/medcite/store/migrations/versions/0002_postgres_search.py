"""PostgreSQL search: full-text vector, BM25 statistics and (with pgvector) a vector column.

Runs only on PostgreSQL; on SQLite it is a no-op (the embedded backend keeps its index on disk).
Everything here is derived from rows the store already writes (chunk text, section path, source
title and the embedding bytes), so it can be dropped and rebuilt at any time.

- `chunks.search_tsv` / `chunks.search_len`: an English tsvector over title + section path +
  text and its token count, kept by a trigger (a generated column cannot read `sources.title`),
  with a GIN index for matching.
- `search_lexemes` / `search_stats`: document frequencies, document count and average length
  for BM25, rebuilt by `PostgresBackend.refresh()` when the knowledge-base version moves.
- `chunks.embedding_vec vector(384)`, a stored generated column decoded from `chunks.embedding`
  (the bytes ingest writes), with an HNSW cosine index; only when the pgvector extension is
  available to this server and role, otherwise the backend searches lexically.

Revision ID: 0002_postgres_search
Revises: 0001_knowledge_base
Create Date: 2026-11-25
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

revision = "0002_postgres_search"
down_revision = "0001_knowledge_base"
branch_labels = None
depends_on = None

TS_CONFIG = "english"
VECTOR_DIM = 384  # e5-small; another embedder size needs its own migration

_log = logging.getLogger("medcite.store.migrations")

_CHUNK_TSV_FUNCTION = f"""
CREATE OR REPLACE FUNCTION medcite_chunk_search_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_tsv := to_tsvector('{TS_CONFIG}',
        coalesce((SELECT title FROM sources WHERE id = NEW.source_id), '') || ' ' ||
        CASE WHEN json_typeof(NEW.section_path) = 'array'
             THEN coalesce(
                 (SELECT string_agg(p, ' ') FROM json_array_elements_text(NEW.section_path) AS p), '')
             ELSE '' END || ' ' ||
        NEW.text);
    NEW.search_len := coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(NEW.search_tsv)), 0);
    RETURN NEW;
END
$$
"""

_SOURCE_TITLE_FUNCTION = """
CREATE OR REPLACE FUNCTION medcite_source_title_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chunks SET text = text WHERE source_id = NEW.id;  -- re-fires the chunk trigger
    RETURN NULL;
END
$$
"""

# Decodes the float32 little-endian bytes ingest writes (numpy's `tobytes()` on x86 and ARM) into
# a pgvector value, bit for bit; NULL for inf/NaN, which pgvector cannot hold. The vector type is
# schema-qualified because restores run generated columns with an empty search_path.
_BYTES_TO_VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION medcite_f32le_to_vector(b bytea) RETURNS {schema}.vector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT CASE WHEN bool_or(x.e = 255) THEN NULL ELSE CAST(array_agg(
    CASE WHEN x.s = 1 THEN -1 ELSE 1 END *
    CASE WHEN x.e = 0 THEN x.m * 2.0::float8 ^ -149
         ELSE (1 + x.m / 8388608.0::float8) * 2.0::float8 ^ (x.e - 127) END
    ORDER BY x.i) AS real[])::{schema}.vector END
FROM (
    SELECT i,
           get_byte(b, 4 * i + 3) >> 7 AS s,
           ((get_byte(b, 4 * i + 3) & 127) << 1) | (get_byte(b, 4 * i + 2) >> 7) AS e,
           (((get_byte(b, 4 * i + 2) & 127) << 16) | (get_byte(b, 4 * i + 1) << 8)
            | get_byte(b, 4 * i))::float8 AS m
    FROM generate_series(0, octet_length(b) / 4 - 1) AS i
) AS x
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE chunks ADD COLUMN search_tsv tsvector")
    op.execute("ALTER TABLE chunks ADD COLUMN search_len integer NOT NULL DEFAULT 0")
    op.execute(_CHUNK_TSV_FUNCTION)
    op.execute(
        "CREATE TRIGGER chunks_search_tsv BEFORE INSERT OR UPDATE OF text, section_path, source_id "
        "ON chunks FOR EACH ROW EXECUTE FUNCTION medcite_chunk_search_tsv()"
    )
    op.execute(_SOURCE_TITLE_FUNCTION)
    op.execute(
        "CREATE TRIGGER sources_title_search AFTER UPDATE OF title ON sources FOR EACH ROW "
        "WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION medcite_source_title_changed()"
    )
    op.execute("UPDATE chunks SET text = text")  # existing rows get their tsvector
    op.execute("CREATE INDEX ix_chunks_search_tsv ON chunks USING gin (search_tsv)")
    op.execute("CREATE TABLE search_lexemes (lexeme text PRIMARY KEY, ndoc integer NOT NULL)")
    op.execute(
        "CREATE TABLE search_stats (id integer PRIMARY KEY, kb_version integer, "
        "n_docs integer NOT NULL, avg_len double precision NOT NULL, updated_at timestamptz)"
    )
    op.execute("INSERT INTO search_stats (id, kb_version, n_docs, avg_len) VALUES (1, NULL, 0, 0)")
    _add_vectors(bind)


def _add_vectors(bind: Connection) -> None:
    """The pgvector part, skipped (with a log line) where the extension cannot be created."""
    available = bind.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
    if available is None:
        _log.warning("pgvector is not installed on this PostgreSQL server: dense search will be off.")
        return
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as exc:
        _log.warning("Cannot create the pgvector extension (%s): dense search will be off.", exc.orig)
        return
    schema = bind.execute(
        text(
            "SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'vector'"
        )
    ).scalar_one()
    qualified = '"' + schema.replace('"', '""') + '"'
    op.execute(_BYTES_TO_VECTOR_FUNCTION.format(schema=qualified))
    # Derived by the database in the same transaction as the chunk row: every writer and every
    # worker sees a chunk's vector the moment the chunk exists, and the bytes stay the truth.
    op.execute(
        f"ALTER TABLE chunks ADD COLUMN embedding_vec {qualified}.vector({VECTOR_DIM}) GENERATED ALWAYS AS "
        f"(CASE WHEN octet_length(embedding) = {4 * VECTOR_DIM} THEN medcite_f32le_to_vector(embedding) END) "
        "STORED"
    )
    op.execute("CREATE INDEX ix_chunks_embedding_vec ON chunks USING hnsw (embedding_vec vector_cosine_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE chunks DROP COLUMN IF EXISTS embedding_vec")
    op.execute("DROP FUNCTION IF EXISTS medcite_f32le_to_vector(bytea)")
    op.execute("DROP TABLE IF EXISTS search_stats")
    op.execute("DROP TABLE IF EXISTS search_lexemes")
    op.execute("DROP TRIGGER IF EXISTS sources_title_search ON sources")
    op.execute("DROP FUNCTION IF EXISTS medcite_source_title_changed()")
    op.execute("DROP TRIGGER IF EXISTS chunks_search_tsv ON chunks")
    op.execute("DROP FUNCTION IF EXISTS medcite_chunk_search_tsv()")
    op.execute("ALTER TABLE chunks DROP COLUMN IF EXISTS search_len")
    op.execute("ALTER TABLE chunks DROP COLUMN IF EXISTS search_tsv")
