"""Editorial review: answer articles, their versions, review workflow, audit log and staleness."""

from medcite.editorial.articles import (
    REUSE_THRESHOLD,
    ReuseMatch,
    find_reusable,
    get_article,
    get_or_create,
    list_articles,
    resolve_article,
    save_new_article,
)
from medcite.editorial.normalise import normalise_question
from medcite.editorial.records import EDITORIAL_POLICY, ArticleView
from medcite.editorial.staleness import mark_stale_for_sources, sweep_stale
from medcite.editorial.users import add_user, get_user, list_users
from medcite.editorial.verification import OverlapVerifier, StatementVerifier
from medcite.editorial.versions import diff_versions, edit_statement, get_version, history, list_versions
from medcite.editorial.workflow import approve, assign, comment, flag, reject, reopen, start, withdraw

__all__ = [
    "EDITORIAL_POLICY",
    "REUSE_THRESHOLD",
    "ArticleView",
    "OverlapVerifier",
    "ReuseMatch",
    "StatementVerifier",
    "add_user",
    "approve",
    "assign",
    "comment",
    "diff_versions",
    "edit_statement",
    "find_reusable",
    "flag",
    "get_article",
    "get_or_create",
    "get_user",
    "get_version",
    "history",
    "list_articles",
    "list_users",
    "list_versions",
    "mark_stale_for_sources",
    "normalise_question",
    "reject",
    "reopen",
    "resolve_article",
    "save_new_article",
    "start",
    "sweep_stale",
    "withdraw",
]
