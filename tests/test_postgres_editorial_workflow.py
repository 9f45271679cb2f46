"""The editorial workflow tests again, on PostgreSQL.

The tests are imported unchanged; this module's `store` fixture overrides conftest's for them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcite.store import Store
from test_editorial_workflow import (  # noqa: F401  (pytest collects the imported tests and fixtures)
    article,
    test_diff_history_and_append_only_audit,
    test_edits_that_break_a_citation_are_refused_with_the_reason,
    test_rejected_question_is_composed_afresh_and_the_rejected_article_is_kept,
    test_reviewer_takes_edits_approves_and_next_asker_gets_the_approved_version,
    test_roles_and_transitions_are_enforced_with_messages_naming_what_is_allowed,
    test_users_are_unique_and_validated,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(pg_migrated_url: str) -> Iterator[Store]:
    s = Store(pg_migrated_url)
    yield s
    s.dispose()
