"""The optimistic-locking tests with concurrent writers again, on PostgreSQL.

The tests are imported unchanged; this module's `store` fixture overrides conftest's for them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcite.store import Store
from test_editorial_concurrency import (  # noqa: F401  (pytest collects the imported tests and fixtures)
    article,
    test_concurrent_askers_of_a_new_question_get_one_article,
    test_only_one_of_several_writers_of_the_same_version_wins,
    test_reviewers_who_retry_after_a_conflict_lose_no_update,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(pg_migrated_url: str) -> Iterator[Store]:
    s = Store(pg_migrated_url)
    yield s
    s.dispose()
