"""Markdown (and plain text) with optional YAML front matter for citation metadata."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.base import clean_whitespace, decode_text
from medcite.models import ParsedDocument, Section, SourceKind, SourceMeta

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_INLINE_CODE = re.compile(r"`([^`]*)`")

_KNOWN_KEYS = {
    "title", "kind", "type", "authors", "author", "organisation", "organization", "journal", "publisher",
    "year", "pmid", "doi", "url", "licence", "license", "specialty", "keywords", "status", "evidence_grade",
}  # fmt: skip


def load_markdown(path: Path, data: bytes) -> ParsedDocument:
    text = decode_text(data)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise MalformedDocumentError(f"invalid YAML front matter: {exc}") from exc
    meta = meta_from_front_matter(dict(post.metadata))
    sections = parse_markdown_sections(post.content)
    if not sections:
        raise EmptyDocumentError("the document has front matter but no text")
    if not meta.title:
        first_heading = next((s.path[0] for s in sections if s.path), None)
        meta.title = first_heading or path.stem.replace("_", " ").replace("-", " ")
    return ParsedDocument(meta=meta, sections=sections, format="markdown")


def meta_from_front_matter(fm: dict[str, Any]) -> SourceMeta:
    """Map front-matter keys onto citation metadata; unknown keys are kept in `extra`."""
    kind_value = fm.get("kind") or fm.get("type")
    kind = None
    if kind_value:
        try:
            kind = SourceKind(str(kind_value).strip().lower().replace(" ", "_"))
        except ValueError as exc:
            allowed = ", ".join(k.value for k in SourceKind)
            raise MalformedDocumentError(
                f"front matter kind {kind_value!r} is not one of: {allowed}"
            ) from exc
    authors = fm.get("authors", fm.get("author", []))
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    keywords = fm.get("keywords", [])
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    year = fm.get("year")
    if isinstance(year, date):
        year = year.year
    try:
        year_int = int(year) if year not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise MalformedDocumentError(f"front matter year {year!r} is not a number") from exc
    extra = {k: _plain(v) for k, v in fm.items() if k not in _KNOWN_KEYS}
    return SourceMeta(
        title=str(fm.get("title") or "").strip(),
        kind=kind,
        authors=[str(a) for a in authors],
        organisation=_opt(fm.get("organisation") or fm.get("organization")),
        journal=_opt(fm.get("journal")),
        publisher=_opt(fm.get("publisher")),
        year=year_int,
        pmid=_opt(fm.get("pmid")),
        doi=_opt(fm.get("doi")),
        url=_opt(fm.get("url")),
        licence=_opt(fm.get("licence") or fm.get("license")),
        specialty=_opt(fm.get("specialty")),
        keywords=[str(k) for k in keywords],
        status=_opt(fm.get("status")),
        evidence_grade=_opt(fm.get("evidence_grade")),
        extra=extra,
    )


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value).strip()


def _plain(value: Any) -> Any:
    """Make YAML values JSON-safe (dates become ISO strings)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _strip_inline(line: str) -> str:
    line = _LINK.sub(r"\1", line)
    line = _INLINE_CODE.sub(r"\1", line)
    return _EMPHASIS.sub(r"\2", line)


def parse_markdown_sections(body: str) -> list[Section]:
    """Split Markdown into sections by heading; pipe tables become table sections."""
    sections: list[Section] = []
    trail: list[tuple[int, str]] = []
    prose: list[str] = []
    table: list[str] = []

    def path() -> tuple[str, ...]:
        return tuple(title for _, title in trail)

    def flush_prose() -> None:
        text = clean_whitespace("\n".join(prose))
        if text:
            sections.append(Section(path=path(), text=text))
        prose.clear()

    def flush_table() -> None:
        rows = [r for r in table if not _TABLE_RULE.match(r)]
        if rows:
            text = "\n".join(
                "| " + " | ".join(c.strip() for c in r.strip().strip("|").split("|")) + " |" for r in rows
            )
            sections.append(Section(path=path(), text=_strip_inline(text), is_table=True))
        table.clear()

    in_code = False
    for raw in body.replace("\r\n", "\n").split("\n"):
        if raw.strip().startswith("```"):
            in_code = not in_code
            continue
        heading = None if in_code else _HEADING.match(raw)
        if heading:
            flush_table()
            flush_prose()
            level = len(heading.group(1))
            while trail and trail[-1][0] >= level:
                trail.pop()
            trail.append((level, _strip_inline(heading.group(2)).strip()))
            continue
        if not in_code and _TABLE_LINE.match(raw):
            if prose:
                flush_prose()
            table.append(raw)
            continue
        if table:
            flush_table()
        prose.append(_strip_inline(raw))
    flush_table()
    flush_prose()
    return sections
