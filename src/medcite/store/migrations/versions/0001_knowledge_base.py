"""Knowledge base: sources, chunks and the knowledge-base version counter.

Revision ID: 0001_knowledge_base
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_knowledge_base"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(2048), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("kind_overridden", sa.Boolean, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("organisation", sa.Text),
        sa.Column("journal", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("pmid", sa.String(32)),
        sa.Column("doi", sa.String(256)),
        sa.Column("url", sa.Text),
        sa.Column("licence", sa.Text),
        sa.Column("specialty", sa.String(128)),
        sa.Column("status", sa.String(32)),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sources_origin", "sources", ["origin"], unique=True)
    op.create_index("ix_sources_content_hash", "sources", ["content_hash"])
    op.create_index("ix_sources_kind", "sources", ["kind"])
    op.create_index("ix_sources_year", "sources", ["year"])
    op.create_table(
        "chunks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("section_path", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("char_start", sa.Integer, nullable=False),
        sa.Column("char_end", sa.Integer, nullable=False),
        sa.Column("page", sa.Integer),
        sa.Column("is_table", sa.Boolean, nullable=False),
        sa.Column("embedding", sa.LargeBinary),
        sa.Column("embedding_model", sa.String(64)),
    )
    op.create_index("ix_chunks_source_ordinal", "chunks", ["source_id", "ordinal"])
    op.create_table(
        "kb_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )
    op.execute("INSERT INTO kb_state (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("chunks")
    op.drop_table("sources")
    op.drop_table("kb_state")
