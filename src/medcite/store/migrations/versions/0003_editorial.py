"""Editorial review: users, articles, article versions, review events, article sources.

The audit log (`review_events`) and the version snapshots (`article_versions`) are append-only:
database triggers refuse UPDATE and DELETE on them, so history cannot be rewritten even by
code that bypasses MedCite's own functions.

Revision ID: 0003_editorial
Revises: 0002_postgres_search
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_editorial"
down_revision = "0002_postgres_search"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("review_events", "article_versions")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("normalised_question", sa.Text, nullable=False),
        sa.Column("question_key", sa.String(64), nullable=False),
        sa.Column("audience", sa.String(32), nullable=False),
        sa.Column("intent", sa.String(64)),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_version", sa.Integer, nullable=False),
        sa.Column("kb_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("approved_by", sa.String(128)),
        sa.Column("reviewers", sa.JSON, nullable=False),
        sa.Column("assigned_to", sa.Integer, sa.ForeignKey("users.id", name="fk_articles_assigned_to")),
        sa.Column("question_embedding", sa.LargeBinary),
        sa.Column("embedding_model", sa.String(64)),
        sa.Column("dedupe_key", sa.String(64)),
        sa.UniqueConstraint("dedupe_key", name="uq_articles_dedupe_key"),
    )
    op.create_index("ix_articles_status", "articles", ["status"])
    op.create_index("ix_articles_question_audience", "articles", ["question_key", "audience"])
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", name="fk_article_versions_article"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("edited_by", sa.String(128), nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("article_id", "version", name="uq_article_versions_article_version"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", name="fk_review_events_article"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(32)),
        sa.Column("to_status", sa.String(32)),
        sa.Column("content_version", sa.Integer),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_events_article_id", "review_events", ["article_id"])
    op.create_table(
        "article_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", name="fk_article_sources_article"),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("origin", sa.String(2048), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_article_sources_article_id", "article_sources", ["article_id"])
    op.create_index("ix_article_sources_source_id", "article_sources", ["source_id"])
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION medcite_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION medcite_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS medcite_append_only()")
    op.drop_table("article_sources")
    op.drop_table("review_events")
    op.drop_table("article_versions")
    op.drop_table("articles")
    op.drop_table("users")
