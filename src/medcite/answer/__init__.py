"""Answer articles: question analysis, evidence selection, extractive composition, verification, rendering."""

from medcite.answer.schema import SCHEMA_VERSION, AnswerArticle, Audience, Intent, Statement
from medcite.answer.service import AnswerService

__all__ = ["SCHEMA_VERSION", "AnswerArticle", "AnswerService", "Audience", "Intent", "Statement"]
