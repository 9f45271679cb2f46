"""The Markdown ingest tests again, with the knowledge base on PostgreSQL instead of SQLite.

The tests are imported unchanged; this module's `store` fixture overrides conftest's for them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcite.store import Store
from test_ingest_markdown import (
    test_bad_input_gets_one_line_reason_and_others_still_ingest,
    test_markdown_front_matter_sections_and_table,
    test_oversized_file_is_refused_before_reading,
    test_reingest_skips_unchanged_and_replaces_changed,
    test_symlink_loop_and_folder_walk,
)

pytestmark = pytest.mark.postgres

__all__ = [
    "test_bad_input_gets_one_line_reason_and_others_still_ingest",
    "test_markdown_front_matter_sections_and_table",
    "test_oversized_file_is_refused_before_reading",
    "test_reingest_skips_unchanged_and_replaces_changed",
    "test_symlink_loop_and_folder_walk",
]


@pytest.fixture
def store(pg_migrated_url: str) -> Iterator[Store]:
    s = Store(pg_migrated_url)
    yield s
    s.dispose()
