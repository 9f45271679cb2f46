"""Test isolation: every test gets its own data directory; nothing reads the user's home."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcite.answer.service import AnswerService
from medcite.config import Settings, load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.library import library_path
from medcite.library.bootstrap import ensure_library
from medcite.search.embeddings import get_embedder
from medcite.store import Store

pytest_plugins = ["pg", "llm_server"]  # real PostgreSQL and OpenAI-compatible servers

SHARED_DATA = Path(
    os.environ.get("MEDCITE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def shared_path(*parts: str) -> Path:
    """A path in ../shared/data, or skip the test with a clear message when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set MEDCITE_SHARED_DATA to its folder)")
    return path


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("MEDCITE_") and key not in ("MEDCITE_SHARED_DATA", "MEDCITE_TEST_POSTGRES_URL"):
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings(data_dir=data_dir)


@pytest.fixture
def bm25_settings(data_dir: Path) -> Settings:
    """Settings without dense vectors: fast tests of the lexical path."""
    return load_settings(data_dir=data_dir, ingest={"embed": False})


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings.database_url)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def library_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnswerService]:
    """The starter library ingested once, BM25 only: answers in milliseconds for tests that ask it."""
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("library-bm25"), ingest={"embed": False}, library={"enabled": False}
    )
    s = Store(settings.database_url)
    ingest_paths([library_path()], s, settings, None)
    yield AnswerService(settings, s)
    s.dispose()


@pytest.fixture(scope="session")
def library_hybrid_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnswerService]:
    """The starter library as a fresh install has it: indexed from the shipped vector pack, hybrid."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("library-hybrid"))
    s = Store(settings.database_url)
    ensure_library(s, settings, get_embedder(settings.search.embedder))
    yield AnswerService(settings, s)
    s.dispose()
