"""Record which MedCite composed each article and each of its versions.

`composer_version` is `medcite.__version__` plus a fingerprint of the composing code
(`medcite.answer.fingerprint`). Rows from before this migration keep NULL: composed by an unknown,
older MedCite, so a draft among them is composed again when next asked (docs/editorial-policy.md).
Adding a column is not an UPDATE, so the append-only triggers on `article_versions` stay as they are.

Revision ID: 0004_composer_version
Revises: 0003_editorial
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_composer_version"
down_revision = "0003_editorial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("composer_version", sa.String(64)))
    op.add_column("article_versions", sa.Column("composer_version", sa.String(64)))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch rebuild would drop the append-only triggers.
    op.execute("ALTER TABLE article_versions DROP COLUMN composer_version")
    op.execute("ALTER TABLE articles DROP COLUMN composer_version")
