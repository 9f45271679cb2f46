"""Open the database, bring its schema up to date, and hand out sessions.

The same code serves SQLite (embedded default) and PostgreSQL (shared deployments).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from medcite.errors import MissingDependencyError, StoreError
from medcite.store.tables import KnowledgeBaseState

if TYPE_CHECKING:
    from alembic.config import Config

_ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
# PostgreSQL advisory-lock key: several API workers starting at once migrate one at a time.
_MIGRATION_LOCK_KEY = 0x6D656463  # "medc"


# The newest migration shipped with this release, written out so that opening an up-to-date database
# needs no Alembic import (a fifth of a second of every command's start); a test checks it against the
# migration scripts.
HEAD_REVISION = "0004_composer_version"


def _alembic_config() -> Config:
    from alembic.config import Config

    return Config(str(_ALEMBIC_INI))


def head_revision() -> str:
    """The newest migration shipped with this release."""
    return HEAD_REVISION


def scripted_head_revision() -> str:
    """The newest migration as the scripts in `migrations/versions` chain them."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, make sure the folder exists and set safe pragmas."""
    if url.startswith("sqlite:///"):
        db_path = Path(url.removeprefix("sqlite:///"))
        db_path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(postgres_driver_url(url), pool_pre_ping=True)


def postgres_driver_url(url: str) -> str:
    """Plain `postgresql://` URLs (as libpq and most hosting panels write them) use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _revision(conn: Connection) -> str | None:
    """The revision Alembic recorded, read as Alembic stores it (one row in `alembic_version`)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise StoreError(f"The database has {len(rows)} migration heads; expected one.")
    return rows[0] if rows else None


class Store:
    """A migrated database plus a session factory."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        try:
            self.engine = make_engine(url)
            if migrate:
                self.upgrade()
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Cannot open the database at {redact_url(url)}: {exc.__class__.__name__}: {exc}"
            ) from exc
        except ModuleNotFoundError as exc:
            raise MissingDependencyError(
                f"The database URL {redact_url(url)} needs the {exc.name!r} driver; for PostgreSQL run "
                "`pip install 'medcite[postgres]'`."
            ) from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return _revision(conn)

    def upgrade(self) -> None:
        """Apply pending migrations (cheap check first: start-up stays fast)."""
        if self.current_revision() == head_revision():
            return
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        cfg = _alembic_config()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                if MigrationContext.configure(conn).get_current_revision() == head_revision():
                    return  # another process migrated while this one waited for the lock
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"Database error: {exc.__class__.__name__}: {exc}") from exc
        finally:
            session.close()

    def kb_version(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(KnowledgeBaseState.version).where(KnowledgeBaseState.id == 1)) or 0)

    @staticmethod
    def bump_kb_version(session: Session) -> None:
        """Mark the knowledge base changed; call inside the transaction that changed it."""
        session.execute(
            update(KnowledgeBaseState)
            .where(KnowledgeBaseState.id == 1)
            .values(version=KnowledgeBaseState.version + 1, updated_at=datetime.now(UTC))
        )

    def dispose(self) -> None:
        self.engine.dispose()


def redact_url(url: str) -> str:
    """Hide a password in a database URL before it reaches a message or a log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
