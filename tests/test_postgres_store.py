"""The store's behaviours, run on SQLite and on a real PostgreSQL server with the same code."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import inspect, text

from medcite.config import Settings
from medcite.errors import MissingDependencyError, NotFoundError, StoreError
from medcite.ingest.pipeline import ingest_paths
from medcite.models import ChunkDraft, SourceKind, SourceMeta
from medcite.store import Store
from medcite.store.database import head_revision
from medcite.store.sources import (
    count_chunks,
    get_source,
    iter_indexed_chunks,
    list_sources,
    load_embeddings,
    remove_source,
    replace_source,
)

FIXTURE = Path(__file__).parent / "fixtures" / "ra_guideline.md"


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Store]:
    """The same tests against the embedded default and a fresh PostgreSQL database."""
    url = settings.database_url if request.param == "sqlite" else request.getfixturevalue("pg_migrated_url")
    store = Store(url)
    yield store
    store.dispose()


def _chunks(*texts: str, section: str = "Body") -> list[ChunkDraft]:
    out, start = [], 0
    for i, t in enumerate(texts):
        out.append(
            ChunkDraft(ordinal=i, section_path=(section,), text=t, char_start=start, char_end=start + len(t))
        )
        start += len(t) + 1
    return out


def _put(
    store: Store, origin: str, *texts: str, kind: SourceKind = SourceKind.GUIDELINE, **kw: object
) -> int:
    return replace_source(
        store,
        origin=origin,
        content_hash=hashlib.sha256("\n".join(texts).encode()).hexdigest(),
        fmt="markdown",
        meta=SourceMeta(title=f"Title of {origin}", year=2020),
        kind=kind,
        kind_overridden=False,
        text="\n".join(texts),
        chunks=_chunks(*texts),
        **kw,  # type: ignore[arg-type]
    )


def _chunk_columns(store: Store) -> set[str]:
    if store.engine.dialect.name != "postgresql":
        return {c["name"] for c in inspect(store.engine).get_columns("chunks")}
    # (SQLAlchemy's inspector does not know pgvector's type and would warn)
    with store.session() as s:
        return set(
            s.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'chunks'"))
        )


def test_migrates_to_head_and_postgres_gets_search_schema(any_store: Store) -> None:
    assert any_store.current_revision() == head_revision()
    columns = _chunk_columns(any_store)
    tables = set(inspect(any_store.engine).get_table_names())
    if any_store.engine.dialect.name == "postgresql":
        assert {"search_tsv", "search_len", "embedding_vec"} <= columns
        assert {"search_lexemes", "search_stats"} <= tables
    else:  # migration 0002 is a no-op on SQLite
        assert not {"search_tsv", "embedding_vec"} & columns
        assert "search_stats" not in tables
    reopened = Store(any_store.url)  # already at head: opening again changes nothing
    assert reopened.current_revision() == head_revision()
    reopened.dispose()


def test_replace_source_swaps_chunks_atomically_and_bumps_version(any_store: Store) -> None:
    assert any_store.kb_version() == 0
    first = _put(any_store, "a.md", "alpha one", "alpha two", "alpha three")
    _put(any_store, "b.md", "beta one")
    assert count_chunks(any_store) == 4 and any_store.kb_version() == 2
    second = _put(any_store, "a.md", "alpha new")
    assert second != first
    assert count_chunks(any_store) == 2
    assert [c.text for c in get_source(any_store, second).chunks] == ["alpha new"]
    with pytest.raises(NotFoundError):
        get_source(any_store, first)
    assert any_store.kb_version() == 3


def test_remove_and_list_sources(any_store: Store) -> None:
    g = _put(any_store, "g.md", "guideline text", "more guideline text")
    r = _put(any_store, "r.md", "review text", kind=SourceKind.REVIEW)
    listed = {s.origin: (s.kind, s.chunks) for s in list_sources(any_store)}
    assert listed == {"g.md": (SourceKind.GUIDELINE, 2), "r.md": (SourceKind.REVIEW, 1)}
    assert [s.id for s in list_sources(any_store, SourceKind.REVIEW)] == [r]
    version = any_store.kb_version()
    assert remove_source(any_store, g) == "Title of g.md"
    assert any_store.kb_version() == version + 1
    assert [s.origin for s in list_sources(any_store)] == ["r.md"]
    assert count_chunks(any_store) == 1
    with pytest.raises(NotFoundError, match="No source with id"):
        remove_source(any_store, g)


def test_iter_indexed_chunks_pages_in_id_order(any_store: Store) -> None:
    _put(any_store, "a.md", "a1", "a2", "a3")
    _put(any_store, "b.md", "b1", "b2", kind=SourceKind.TRIAL)
    chunks = list(iter_indexed_chunks(any_store, batch=2))
    assert [c.text for c in chunks] == ["a1", "a2", "a3", "b1", "b2"]
    assert [c.chunk_id for c in chunks] == sorted(c.chunk_id for c in chunks)
    assert chunks[-1].source_kind is SourceKind.TRIAL and chunks[-1].source_title == "Title of b.md"
    assert chunks[0].section_path == ("Body",) and chunks[0].year == 2020


def test_load_embeddings_round_trip_and_model_match(any_store: Store) -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(3, 8)).astype(np.float32)
    _put(any_store, "a.md", "x1", "x2", "x3", embeddings=vectors, embedding_model="m1")
    _put(any_store, "b.md", "y1")  # no vectors
    ids = [c.chunk_id for c in iter_indexed_chunks(any_store)]
    loaded = load_embeddings(any_store, ids, 8, "m1")
    np.testing.assert_array_equal(loaded[:3], vectors)
    assert not loaded[3].any()
    assert not load_embeddings(any_store, ids, 8, "another-model").any()


def test_failure_mid_transaction_leaves_old_version_intact(any_store: Store) -> None:
    source_id = _put(any_store, "a.md", "original one", "original two")
    version = any_store.kb_version()
    broken = [*_chunks("replacement one"), ChunkDraft(1, ("Body",), "bad", None, 3)]  # type: ignore[arg-type]
    with pytest.raises(StoreError):  # NOT NULL violation after the old rows were deleted
        replace_source(
            any_store,
            origin="a.md",
            content_hash="new",
            fmt="markdown",
            meta=SourceMeta(title="New"),
            kind=SourceKind.GUIDELINE,
            kind_overridden=False,
            text="replacement one bad",
            chunks=broken,
        )
    assert [c.text for c in get_source(any_store, source_id).chunks] == ["original one", "original two"]
    assert any_store.kb_version() == version and count_chunks(any_store) == 2


def test_interrupted_ingest_is_rolled_back_and_rerun_completes(
    any_store: Store, bm25_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(FIXTURE.read_text())
    real_bump = Store.bump_kb_version

    def bump_then_interrupt(session: object) -> None:
        real_bump(session)  # type: ignore[arg-type]
        session.flush()  # type: ignore[attr-defined]
        raise KeyboardInterrupt  # Ctrl-C after every row was written, before commit

    monkeypatch.setattr(Store, "bump_kb_version", staticmethod(bump_then_interrupt))
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([doc], any_store, bm25_settings, None)
    monkeypatch.undo()
    assert list_sources(any_store) == [] and count_chunks(any_store) == 0
    assert any_store.kb_version() == 0
    [outcome] = ingest_paths([doc], any_store, bm25_settings, None).outcomes
    assert outcome.status == "added" and outcome.chunks == count_chunks(any_store) > 0


def test_nul_characters_keep_offsets(any_store: Store) -> None:
    """PDF text can carry NUL, which PostgreSQL text refuses; offsets must still slice the text."""
    source_id = _put(any_store, "nul.md", "dose\x00 10 mg", "weekly")
    row = get_source(any_store, source_id)
    for chunk in row.chunks:
        assert row.text[chunk.char_start : chunk.char_end] == chunk.text
    assert row.chunks[0].text.startswith("dose") and row.chunks[0].text.endswith(" 10 mg")


@pytest.mark.postgres
def test_two_stores_on_one_postgres_database_see_each_others_writes(pg_url: str) -> None:
    opened: list[Store] = []
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            opened.append(Store(pg_url))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(3)]  # concurrent first migration
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(opened) == 3
    a, b, _ = opened
    assert a.current_revision() == head_revision() and "search_tsv" in _chunk_columns(a)
    _put(a, "a.md", "written by worker a")
    assert [s.origin for s in list_sources(b)] == ["a.md"]
    assert b.kb_version() == a.kb_version() == 1
    for store in opened:
        store.dispose()


@pytest.mark.postgres
def test_postgres_migration_downgrade_and_upgrade_again(pg_store: Store) -> None:
    from alembic import command

    from medcite.store.database import _alembic_config

    _put(pg_store, "a.md", "methotrexate weekly")
    cfg = _alembic_config()
    with pg_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_knowledge_base")
    columns = _chunk_columns(pg_store)
    assert "search_tsv" not in columns and "embedding_vec" not in columns
    pg_store.upgrade()
    with pg_store.session() as s:  # rows that existed before the upgrade got their tsvector
        assert (
            s.scalar(text("SELECT count(*) FROM chunks WHERE search_tsv @@ to_tsquery('methotrexate')")) == 1
        )


@pytest.mark.postgres
def test_plain_libpq_url_uses_psycopg(pg_migrated_url: str) -> None:
    plain = pg_migrated_url.replace("postgresql+psycopg://", "postgresql://", 1)
    store = Store(plain)
    assert store.engine.dialect.driver == "psycopg" and store.kb_version() == 0
    store.dispose()


def test_missing_driver_names_the_extra() -> None:
    if importlib.util.find_spec("psycopg2") is not None:
        pytest.skip("psycopg2 is installed here, so it is not a missing driver")
    with pytest.raises(MissingDependencyError, match=r"medcite\[postgres\]") as caught:
        Store("postgresql+psycopg2://user:secret@localhost/medcite")
    assert "secret" not in str(caught.value)
