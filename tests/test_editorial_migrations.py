"""Upgrading a database made by an earlier release keeps everything in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from medcite import editorial as ed
from medcite.models import ReviewStatus
from medcite.store import Store
from medcite.store.database import _alembic_config, head_revision, make_engine


def _database_at(url: str, revision: str) -> None:
    engine = make_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def _execute(url: str, *statements: tuple[str, dict[str, object]]) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for sql, params in statements:
            conn.execute(text(sql), params)
    engine.dispose()


NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_knowledge_base_from_release_0001_survives_the_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _database_at(url, "0001_knowledge_base")
    _execute(
        url,
        (
            "INSERT INTO sources (id, origin, content_hash, format, kind, kind_overridden, title, authors, "
            "meta, text, ingested_at, year) "
            "VALUES (7, 'file:///g.md', 'abc', 'markdown', 'guideline', 0, 'Gout', "
            "'[\"A. Author\"]', '{}', 'Start colchicine 1.2 mg.', :t, 2022)",
            {"t": NOW},
        ),
        (
            "INSERT INTO chunks (id, source_id, ordinal, section_path, text, char_start, char_end, is_table) "
            "VALUES (70, 7, 0, '[\"Recommendations\"]', 'Start colchicine 1.2 mg.', 0, 24, 0)",
            {},
        ),
        ("UPDATE kb_state SET version = 3", {}),
    )
    store = Store(url)
    try:
        assert store.current_revision() == head_revision()
        assert store.kb_version() == 3
        with store.session() as s:
            source = s.execute(text("SELECT id, origin, title, authors, year FROM sources")).one()
            chunk = s.execute(text("SELECT id, source_id, text, char_end FROM chunks")).one()
        assert tuple(source[:3]) == (7, "file:///g.md", "Gout") and json.loads(source[3]) == ["A. Author"]
        assert tuple(chunk) == (70, 7, "Start colchicine 1.2 mg.", 24)
        tables = set(inspect(store.engine).get_table_names())
        assert {"users", "articles", "article_versions", "review_events", "article_sources"} <= tables
        assert ed.list_articles(store) == []
    finally:
        store.dispose()


def test_articles_and_their_history_survive_the_upgrade(tmp_path: Path) -> None:
    """A database at the first editorial release, written with that release's columns, upgraded to head."""
    url = f"sqlite:///{tmp_path / 'editorial.db'}"
    _database_at(url, "0003_editorial")
    v1 = {"statements": [{"id": "s1", "section": "bottom_line", "text": "Old.", "citations": [1]}],
          "references": [{"n": 1, "chunk_id": 70, "source_id": 7, "text": "Old. New."}]}  # fmt: skip
    v2 = {**v1, "statements": [{**v1["statements"][0], "text": "New."}]}
    _execute(
        url,
        ("INSERT INTO users (id, name, role, created_at) VALUES (1, 'rita', 'reviewer', :t)", {"t": NOW}),
        (
            "INSERT INTO articles (id, question, normalised_question, question_key, audience, intent, "
            "answer, status, version, content_version, kb_version, created_at, updated_at, approved_at, "
            "approved_by, reviewers, assigned_to, dedupe_key) "
            "VALUES (5, 'Q?', 'q', 'k', 'clinician', 'dosing', :a, "
            "'approved', 4, 2, 3, :t, :t, :t, 'rita', '[\"rita\"]', 1, 'd')",
            {"a": json.dumps(v2), "t": NOW},
        ),
        *[
            (
                "INSERT INTO article_versions (article_id, version, answer, edited_by, comment, created_at) "
                "VALUES (5, :v, :a, :by, NULL, :t)",
                {"v": n, "a": json.dumps(answer), "by": by, "t": NOW},
            )
            for n, answer, by in ((1, v1, "system"), (2, v2, "rita"))
        ],
        *[
            (
                "INSERT INTO review_events (article_id, actor, action, from_status, to_status, "
                "content_version, comment, created_at) VALUES (5, :actor, :action, :f, :to, :cv, NULL, :t)",
                {"actor": actor, "action": action, "f": f, "to": to, "cv": cv, "t": NOW},
            )
            for actor, action, f, to, cv in (
                ("system", "create", None, "submitted", 1),
                ("rita", "start", "submitted", "under_review", 1),
                ("rita", "edit", "under_review", "under_review", 2),
                ("rita", "approve", "under_review", "approved", 2),
            )
        ],
        (
            "INSERT INTO article_sources (article_id, source_id, origin, content_hash) "
            "VALUES (5, 7, 'file:///g.md', 'abc')",
            {},
        ),
    )
    store = Store(url)
    try:
        assert store.current_revision() == head_revision()
        article = ed.get_article(store, 5)
        assert article.status is ReviewStatus.APPROVED and article.reviewers == ("rita",)
        assert article.approved_at == NOW and article.assigned_to == "rita" and article.version == 4
        assert article.composer_version is None  # composed before MedCite recorded its version (0004)
        assert [e.action for e in ed.history(store, 5)] == ["create", "start", "edit", "approve"]
        assert ed.get_version(store, 5, 1) == v1 and ed.get_version(store, 5, 2) == v2
        assert ed.diff_versions(store, 5).splitlines()[-2:] == ["-s1: Old. [1]", "+s1: New. [1]"]
        # The staleness record still works: the cited source no longer exists in this database.
        assert ed.sweep_stale(store) == [5]
    finally:
        store.dispose()


def test_the_composer_version_migration_goes_both_ways_and_keeps_history_append_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'composer.db'}"
    _database_at(url, "0004_composer_version")
    engine = make_engine(url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("article_versions")}
        assert "composer_version" in columns
        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003_editorial")
        assert "composer_version" not in {c["name"] for c in inspect(engine).get_columns("articles")}
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO users (id, name, role, created_at) VALUES (1, 'a', 'admin', :t)"),
                {"t": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO articles (id, question, normalised_question, question_key, audience, "
                    "answer, "
                    "status, version, content_version, kb_version, created_at, updated_at, reviewers) "
                    "VALUES (1, 'Q?', 'q', 'k', 'clinician', '{}', 'submitted', 1, 1, 1, :t, :t, '[]')"
                ),
                {"t": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO article_versions (article_id, version, answer, edited_by, created_at) "
                    "VALUES (1, 1, '{}', 'system', :t)"
                ),
                {"t": NOW},
            )
        with pytest.raises(Exception, match="article_versions is append-only"):
            with engine.begin() as conn:
                conn.execute(text("UPDATE article_versions SET comment = 'rewritten'"))
    finally:
        engine.dispose()


def test_the_written_head_revision_is_the_scripts_head() -> None:
    """Start-up compares the database with `HEAD_REVISION` without importing Alembic: a new migration
    must update it."""
    from medcite.store.database import scripted_head_revision

    assert head_revision() == scripted_head_revision()
