"""The one seam between editorial code and the answer article's JSON form.

Editorial code never reaches into an answer dict directly: it reads and writes statements,
references and the review block through these functions, so a change to the answer schema
means a change to this module only. Two layouts are understood:

- the answer pipeline's `AnswerArticle` JSON (`medcite.answer.schema`): statements live in their
  sections (`bottom_line`, `treatment_algorithm`, ..., `important_considerations.monitoring`, ...,
  `closing_rationale`), references are `{"number", "source_id", "passages": [{"chunk_id", "text"}]}`;
- a flat layout: `{"statements": [{"id", "section", "text", "citations"}], "references": [{"n",
  "chunk_id", "source_id", "text"}]}`.

Statement ids are `s1`, `s2`, ... in reading order (the flat layout may name its own). Edits change a
statement's text and citations, never add or remove one, so ids stay stable across versions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from medcite.errors import InputError, NotFoundError

STATEMENTS = "statements"
REFERENCES = "references"
REVIEW = "review"

# AnswerArticle sections holding statements, in reading order: (section name, path in the JSON).
ARTICLE_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bottom_line", ("bottom_line",)),
    ("treatment_algorithm", ("treatment_algorithm",)),
    ("specific_recommendation", ("specific_recommendation",)),
    ("evidence_supporting", ("evidence_supporting",)),
    ("monitoring", ("important_considerations", "monitoring")),
    ("alternatives", ("important_considerations", "alternatives")),
    ("cautions", ("important_considerations", "cautions")),
    ("multidisciplinary", ("important_considerations", "multidisciplinary")),
    ("closing_rationale", ("closing_rationale",)),
    ("found_but_not_recommended", ("found_but_not_recommended",)),
)


@dataclass(frozen=True)
class Statement:
    id: str
    section: str
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Reference:
    n: int
    source_id: int | None
    chunk_ids: tuple[int, ...]
    passages: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.passages)


def _is_flat(answer: dict[str, Any]) -> bool:
    return STATEMENTS in answer


def _statement_dicts(answer: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, section, the statement's own dict) in reading order; the dicts are the answer's own."""
    if _is_flat(answer):
        return [(str(s["id"]), str(s.get("section") or ""), s) for s in answer.get(STATEMENTS) or ()]
    found: list[tuple[str, dict[str, Any]]] = []
    for name, path in ARTICLE_SECTIONS:
        node: Any = answer
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        items = [node] if isinstance(node, dict) else node if isinstance(node, list) else []
        found.extend((name, item) for item in items if isinstance(item, dict))
    return [(f"s{i}", name, item) for i, (name, item) in enumerate(found, start=1)]


def statements(answer: dict[str, Any]) -> list[Statement]:
    """The article's cited statements in reading order."""
    return [
        Statement(
            id=sid,
            section=section,
            text=str(item.get("text") or ""),
            citations=tuple(int(n) for n in item.get("citations") or ()),
        )
        for sid, section, item in _statement_dicts(answer)
    ]


def references(answer: dict[str, Any]) -> list[Reference]:
    """The article's numbered references with the exact passage(s) each one cites."""
    out = []
    for r in answer.get(REFERENCES) or ():
        if "passages" in r:
            passages = [p for p in r.get("passages") or () if isinstance(p, dict)]
            chunk_ids = tuple(int(p["chunk_id"]) for p in passages if p.get("chunk_id") is not None)
            texts = tuple(str(p.get("text") or "") for p in passages)
        else:
            chunk_ids = () if r.get("chunk_id") is None else (int(r["chunk_id"]),)
            texts = (str(r.get("text") or ""),)
        number = r.get("number", r.get("n"))
        source_id = r.get("source_id")
        out.append(
            Reference(
                n=int(number),
                source_id=None if source_id is None else int(source_id),
                chunk_ids=chunk_ids,
                passages=texts,
            )
        )
    return out


def get_statement(answer: dict[str, Any], statement_id: str) -> Statement:
    for statement in statements(answer):
        if statement.id == statement_id:
            return statement
    known = ", ".join(s.id for s in statements(answer)) or "none"
    raise NotFoundError(f"No statement {statement_id!r} in this article; its statements are: {known}.")


def with_statement(
    answer: dict[str, Any], statement_id: str, *, text: str, citations: list[int]
) -> dict[str, Any]:
    """A copy of `answer` with one statement's text and citations replaced (the input is untouched).

    A patient article's plain rendering is derived again from the edited text (and dropped if it does
    not pass `verify_plain`), so a patient never sees words from before the edit."""
    get_statement(answer, statement_id)  # raises with the list of ids when unknown
    new = copy.deepcopy(answer)
    for sid, _, item in _statement_dicts(new):
        if sid == statement_id:
            item["text"] = text
            item["citations"] = list(citations)
            if item.get("plain") is not None:
                item["plain"] = _plain(text)
    return new


def _plain(text: str) -> str | None:
    from medcite.answer.plain import plain_text
    from medcite.answer.verify import verify_plain

    plain = plain_text(text)
    return plain if verify_plain(text, plain).supported else None


def passages_for(answer: dict[str, Any], citations: tuple[int, ...] | list[int]) -> list[str]:
    """Passage texts of the given reference numbers; InputError names numbers the article lacks."""
    by_n = {r.n: r.passages for r in references(answer)}
    missing = [n for n in citations if n not in by_n]
    if missing:
        have = ", ".join(str(n) for n in sorted(by_n)) or "none"
        raise InputError(
            f"Citation {', '.join(f'[{n}]' for n in missing)} is not among this article's references "
            f"({have}); an edit may only cite passages the article already retrieved."
        )
    return [text for n in citations for text in by_n[n]]


def cited_chunk_ids(answer: dict[str, Any]) -> list[int]:
    return sorted({cid for r in references(answer) for cid in r.chunk_ids})


def cited_source_ids(answer: dict[str, Any]) -> list[int]:
    return sorted({r.source_id for r in references(answer) if r.source_id is not None})


def with_review(answer: dict[str, Any], review: dict[str, Any]) -> dict[str, Any]:
    """A copy of `answer` carrying the article's current review state.

    Flat layout: `review` is stored as it is. AnswerArticle layout: the schema's review fields are
    set (status, version, last_updated, reviewers, editorial_policy, approved_at) and the
    "pending_review" warning is replaced by the status banner, or removed once Approved.
    """
    new = copy.deepcopy(answer)
    if _is_flat(answer):
        new[REVIEW] = dict(review)
        return new
    block = dict(new.get(REVIEW) or {})
    for key in (
        "status",
        "version",
        "last_updated",
        "reviewers",
        "approved_at",
        "article_id",
        "composer_version",
    ):
        if key in review:
            block[key] = review[key]
    block.setdefault("editorial_policy", review.get("policy"))
    new[REVIEW] = block
    warnings = [w for w in new.get("warnings") or () if w.get("kind") != "pending_review"]
    if review.get("status") != "Approved" and review.get("banner"):
        warnings.append({"kind": "pending_review", "text": review["banner"], "citations": []})
    new["warnings"] = warnings
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
    if not isinstance(answer.get(REFERENCES), list):
        raise InputError(f"An answer needs a {REFERENCES!r} list.")
    if _is_flat(answer) and not isinstance(answer[STATEMENTS], list):
        raise InputError(f"{STATEMENTS!r} must be a list of statements.")
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
