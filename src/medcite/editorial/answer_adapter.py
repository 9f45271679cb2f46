"""The one seam between editorial code and the answer article's JSON form.

Editorial code never reaches into an answer dict directly: it reads and writes statements,
references and the review block through these functions. The answer pipeline's schema
(`medcite.answer.schema`) may lay the article out differently; adapting to it means changing
this module only.

Assumed layout (the article's `answer` column):

    {"statements": [{"id": "s1", "section": "bottom_line", "text": "...", "citations": [1, 2]}, ...],
     "references": [{"n": 1, "chunk_id": 10, "source_id": 3, "text": "exact passage"}, ...],
     "review": {...}, ...any other parts, kept as they are...}
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from medcite.errors import InputError, NotFoundError

STATEMENTS = "statements"
REFERENCES = "references"
REVIEW = "review"


@dataclass(frozen=True)
class Statement:
    id: str
    section: str
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Reference:
    n: int
    chunk_id: int | None
    source_id: int | None
    text: str


def statements(answer: dict[str, Any]) -> list[Statement]:
    """The article's statements in reading order."""
    return [
        Statement(
            id=str(s["id"]),
            section=str(s.get("section") or ""),
            text=str(s.get("text") or ""),
            citations=tuple(int(n) for n in s.get("citations") or ()),
        )
        for s in answer.get(STATEMENTS) or ()
    ]


def references(answer: dict[str, Any]) -> list[Reference]:
    """The article's numbered references with the exact passage each one cites."""
    return [
        Reference(
            n=int(r["n"]),
            chunk_id=None if r.get("chunk_id") is None else int(r["chunk_id"]),
            source_id=None if r.get("source_id") is None else int(r["source_id"]),
            text=str(r.get("text") or ""),
        )
        for r in answer.get(REFERENCES) or ()
    ]


def get_statement(answer: dict[str, Any], statement_id: str) -> Statement:
    for statement in statements(answer):
        if statement.id == statement_id:
            return statement
    known = ", ".join(s.id for s in statements(answer)) or "none"
    raise NotFoundError(f"No statement {statement_id!r} in this article; its statements are: {known}.")


def with_statement(
    answer: dict[str, Any], statement_id: str, *, text: str, citations: list[int]
) -> dict[str, Any]:
    """A copy of `answer` with one statement's text and citations replaced (the input is untouched)."""
    get_statement(answer, statement_id)  # raises with the list of ids when unknown
    new = copy.deepcopy(answer)
    for item in new[STATEMENTS]:
        if str(item["id"]) == statement_id:
            item["text"] = text
            item["citations"] = list(citations)
    return new


def passages_for(answer: dict[str, Any], citations: tuple[int, ...] | list[int]) -> list[str]:
    """Passage texts of the given reference numbers; InputError names numbers the article lacks."""
    by_n = {r.n: r.text for r in references(answer)}
    missing = [n for n in citations if n not in by_n]
    if missing:
        have = ", ".join(str(n) for n in sorted(by_n)) or "none"
        raise InputError(
            f"Citation {', '.join(f'[{n}]' for n in missing)} is not among this article's references "
            f"({have}); an edit may only cite passages the article already retrieved."
        )
    return [by_n[n] for n in citations]


def cited_chunk_ids(answer: dict[str, Any]) -> list[int]:
    return sorted({r.chunk_id for r in references(answer) if r.chunk_id is not None})


def cited_source_ids(answer: dict[str, Any]) -> list[int]:
    return sorted({r.source_id for r in references(answer) if r.source_id is not None})


def with_review(answer: dict[str, Any], review: dict[str, Any]) -> dict[str, Any]:
    """A copy of `answer` whose review block is `review` (status, version, dates, reviewers, banner)."""
    new = copy.deepcopy(answer)
    new[REVIEW] = review
    return new


def render_sections(answer: dict[str, Any]) -> list[str]:
    """Statements as text lines grouped by section, in order of first appearance (for diffs)."""
    sections: dict[str, list[Statement]] = {}
    for statement in statements(answer):
        sections.setdefault(statement.section, []).append(statement)
    lines: list[str] = []
    for section, items in sections.items():
        lines.append(f"## {section.replace('_', ' ').capitalize() or 'Statements'}")
        for s in items:
            cites = "".join(f"[{n}]" for n in s.citations)
            lines.append(f"{s.id}: {s.text} {cites}".rstrip())
    return lines


def validate(answer: dict[str, Any]) -> None:
    """Refuse an answer dict the editorial layer cannot work with, saying what is wrong."""
    if not isinstance(answer.get(STATEMENTS), list) or not isinstance(answer.get(REFERENCES), list):
        raise InputError(f"An answer needs a {STATEMENTS!r} list and a {REFERENCES!r} list.")
    ids = [s.id for s in statements(answer)]
    if len(ids) != len(set(ids)):
        raise InputError("Statement ids must be unique within an answer.")
    numbers = [r.n for r in references(answer)]
    if len(numbers) != len(set(numbers)):
        raise InputError("Reference numbers must be unique within an answer.")
    for statement in statements(answer):
        dangling = [n for n in statement.citations if n not in numbers]
        if dangling:
            raise InputError(
                f"Statement {statement.id} cites {dangling}, which the answer's references do not list."
            )
