"""The staleness tests (a changed or removed source sends articles back) again, on PostgreSQL.

The tests are imported unchanged; this module's `store` fixture overrides conftest's for them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcite.store import Store
from test_editorial_staleness import (  # noqa: F401  (pytest collects the imported tests and fixtures)
    test_reingesting_a_changed_source_sends_the_article_back_and_stops_its_reuse,
    test_removing_a_source_and_the_sweep,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(pg_migrated_url: str) -> Iterator[Store]:
    s = Store(pg_migrated_url)
    yield s
    s.dispose()
