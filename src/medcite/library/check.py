"""Validate library topics: front matter schema, citations, duplicates, dates, question coverage.

Clinicians act on these summaries, so the checker is strict: every sentence in a cited section
must carry a citation marker such as ``[r1]`` that resolves to a reference in the front matter,
and the marker must close the sentence (or table row) it supports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from medcite.answer.answerable import SUFFIX as QUESTIONS_SUFFIX
from medcite.answer.answerable import read_sidecar
from medcite.errors import InputError
from medcite.ingest.loaders.markdown import load_markdown
from medcite.library import LIBRARY_VERSION
from medcite.models import SourceKind
from medcite.text.markers import CITATION_MARKER
from medcite.text.sentences import sentence_spans

SPECIALTIES: dict[str, str] = {
    "internal-medicine": "internal medicine",
    "cardiology": "cardiology",
    "pulmonology": "pulmonology",
    "infectious-disease": "infectious disease",
    "endocrinology": "endocrinology",
    "nephrology": "nephrology",
    "gastroenterology": "gastroenterology",
    "rheumatology": "rheumatology",
    "neurology": "neurology",
    "haematology": "haematology",
    "oncology-supportive-care": "oncology supportive care",
    "psychiatry": "psychiatry",
    "paediatrics": "paediatrics",
    "obstetrics": "obstetrics",
    "emergency-medicine": "emergency medicine",
}
STATUSES = ("Submitted", "Under review", "Approved", "Rejected")
REFERENCE_KINDS = tuple(k.label for k in SourceKind if k is not SourceKind.EDITORIAL_SUMMARY)
EDITORS = "MedCite editors"
REQUIRED_HEADINGS = ("Recommendations",)
EXPECTED_HEADINGS = (
    "Dosing",
    "Evidence",
    "Monitoring",
    "Alternatives",
    "Cautions",
    "Referral and multidisciplinary care",
)
# Top-level headings whose sentences need no citation: they describe the summary, not the evidence.
UNCITED_HEADINGS = frozenset({"scope", "about this summary"})

_MARKER_RUN_AT_END = re.compile(r"(?:\[r\d+(?:\s*,\s*r\d+)*\]\s*)+[.!?;:]?[\"')]*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class CheckReport:
    root: str
    topics: int = 0
    questions: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


class Reference(BaseModel):
    """One entry of a topic's `references` list."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^r[1-9]\d*$")
    kind: str
    organisation: str | None = None
    authors: list[str] | None = None
    title: str = Field(min_length=3)
    journal: str | None = None
    publisher: str | None = None
    year: int = Field(ge=1950)
    section: str | None = None
    pmid: str | None = Field(default=None, pattern=r"^[1-9]\d{0,8}$")
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in REFERENCE_KINDS:
            raise ValueError(f"must be one of: {', '.join(REFERENCE_KINDS)}")
        return value

    @model_validator(mode="after")
    def _who_and_where(self) -> Reference:
        if not (self.organisation or self.authors):
            raise ValueError("needs an organisation or authors")
        if not (self.journal or self.publisher):
            raise ValueError("needs a journal or publisher")
        return self


class TopicFrontMatter(BaseModel):
    """The front matter every library topic carries (documented in docs/library.md)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=5)
    specialty: str
    kind: Literal["editorial_summary"]
    keywords: list[str] = Field(min_length=1)
    abbreviations: dict[str, str] = Field(default_factory=dict)
    status: str
    last_reviewed: date
    authors: list[str]
    library_version: str
    references: list[Reference] = Field(min_length=1)

    @field_validator("last_reviewed", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"must be a YYYY-MM-DD date, not {value!r}")

    @field_validator("specialty")
    @classmethod
    def _specialty(cls, value: str) -> str:
        if value not in SPECIALTIES.values():
            raise ValueError(f"must be one of: {', '.join(SPECIALTIES.values())}")
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"must be one of: {', '.join(STATUSES)}")
        return value

    @field_validator("authors")
    @classmethod
    def _authors(cls, value: list[str]) -> list[str]:
        if value != [EDITORS]:
            raise ValueError(f'must be ["{EDITORS}"]: library topics are written by the project')
        return value


@dataclass
class _Topic:
    path: Path
    slug: str
    front: TopicFrontMatter | None
    body: str
    body_line: int  # 1-based line number of the body's first line in the file
    known_questions: frozenset[str] = frozenset()  # from the sidecar (`medcite.answer.answerable`)


class _Problems:
    def __init__(self, report: CheckReport, path: str) -> None:
        self.report, self.path = report, path

    def error(self, message: str, line: int | None = None) -> None:
        self.report.problems.append(Problem(self.path, line, message))

    def warn(self, message: str, line: int | None = None) -> None:
        self.report.problems.append(Problem(self.path, line, message, "warning"))


def check_library(
    root: Path, questions: Path | Sequence[Path] | None = None, today: date | None = None
) -> CheckReport:
    """Check every topic under `root` and, if given, each evaluation questions file against them.

    Each questions file must cover every topic on its own, so a held-out set cannot silently skip one.
    """
    today = today or date.today()
    report = CheckReport(root=str(root))
    if not root.is_dir():
        raise InputError(f"{root} is not a folder; pass the library's topics folder.")
    topics: list[_Topic] = []
    for path in sorted(root.rglob("*.md")):
        problems = _Problems(report, _display(path, root))
        topic = _check_topic(path, root, today, problems)
        if topic is not None:
            topics.append(topic)
    report.topics = len(topics)
    for side in sorted(root.rglob("*" + QUESTIONS_SUFFIX)):
        topic_file = side.with_name(side.name.removesuffix(QUESTIONS_SUFFIX) + ".md")
        if not topic_file.is_file():
            report.problems.append(
                Problem(_display(side, root), None, f"no topic {topic_file.name} beside it")
            )
    if not topics:
        report.problems.append(Problem(str(root), None, "no topic files (*.md) found"))
    _check_duplicates(topics, root, report)
    for path in [questions] if isinstance(questions, Path) else questions or []:
        _check_questions(path, topics, report)
    return report


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _check_topic(path: Path, root: Path, today: date, problems: _Problems) -> _Topic | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.error("not valid UTF-8")
        return None
    match = _FRONT.match(text)
    if not match:
        problems.error("no YAML front matter (the file must start with a '---' block)")
        return None
    body_line = text[: match.end()].count("\n") + 1
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        problems.error(f"front matter is not valid YAML: {' '.join(str(exc).split())}")
        return None
    if not isinstance(data, dict):
        problems.error("front matter must be a mapping of keys to values")
        return None
    front = _validate_front(data, today, problems)
    slug = path.stem
    if not _SLUG.match(slug):
        problems.error(f"file name {path.name!r} must be a lower-case slug such as 'atrial-fibrillation.md'")
    folder = path.parent.relative_to(root).as_posix() if path.parent != root else ""
    if folder not in SPECIALTIES:
        problems.error(
            f"topic must sit in topics/<specialty>/ with a specialty folder from: {', '.join(SPECIALTIES)}"
        )
    elif front is not None and SPECIALTIES[folder] != front.specialty:
        problems.error(f"specialty {front.specialty!r} does not match the folder {folder!r}")
    try:
        load_markdown(path, raw)
    except InputError as exc:
        problems.error(f"the Markdown loader cannot read this topic: {exc}")
    body = text[match.end() :]
    ref_ids = {r.id for r in front.references} if front else None
    _check_body(body, body_line, ref_ids, problems)
    entries, issues = read_sidecar(path)
    for issue in issues:
        problems.error(issue)
    known = frozenset(_plain(q) for e in entries for q in e.questions)
    return _Topic(path, slug, front, body, body_line, known)


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


def _validate_front(data: dict[str, Any], today: date, problems: _Problems) -> TopicFrontMatter | None:
    try:
        front = TopicFrontMatter.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(part) for part in err["loc"]) or "front matter"
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.error(f"front matter {loc}: {message}")
        return None
    if front.last_reviewed > today:
        problems.error(f"front matter last_reviewed {front.last_reviewed} is in the future")
    if front.library_version != LIBRARY_VERSION:
        problems.error(
            f"front matter library_version {front.library_version!r} is not the library's version "
            f"{LIBRARY_VERSION!r} (medcite.library.LIBRARY_VERSION)"
        )
    seen: set[str] = set()
    for ref in front.references:
        if ref.id in seen:
            problems.error(f"reference id {ref.id} is used twice")
        seen.add(ref.id)
        if ref.year > today.year:
            problems.error(f"reference {ref.id} year {ref.year} is in the future")
    return front


@dataclass(frozen=True)
class _Unit:
    """A sentence or table row, with where it sits."""

    text: str
    line: int
    heading: tuple[str, ...]
    is_row: bool = False


def _check_body(body: str, first_line: int, ref_ids: set[str] | None, problems: _Problems) -> None:
    top_level: list[str] = []
    cited: set[str] = set()
    for unit in _units(body, first_line, top_level):
        markers = CITATION_MARKER.findall(unit.text)
        ids = [i.strip() for group in markers for i in group.split(",")]
        where = " > ".join(unit.heading) or "(before the first heading)"
        needs_citation = not unit.heading or unit.heading[0].casefold() not in UNCITED_HEADINGS
        if not ids:
            if needs_citation:
                kind = "table row" if unit.is_row else "sentence"
                problems.error(f"uncited {kind} under {where!r}: {_short(unit.text)}", unit.line)
            continue
        if not unit.is_row and not _MARKER_RUN_AT_END.search(unit.text):
            problems.error(f"citation marker must end the sentence: {_short(unit.text)}", unit.line)
        for ref_id in ids:
            cited.add(ref_id)
            if ref_ids is not None and ref_id not in ref_ids:
                problems.error(f"[{ref_id}] does not match any reference id in the front matter", unit.line)
    for heading in REQUIRED_HEADINGS:
        if heading not in top_level:
            problems.error(f"missing the top-level heading '# {heading}'")
    for heading in EXPECTED_HEADINGS:
        if heading not in top_level:
            problems.warn(f"no top-level heading '# {heading}'")
    for ref_id in sorted((ref_ids or set()) - cited, key=lambda r: int(r[1:])):
        problems.warn(f"reference {ref_id} is never cited in the text")


def _units(body: str, first_line: int, top_level: list[str]) -> Iterator[_Unit]:
    """Sentences (within paragraphs and list items) and table data rows, in reading order."""
    trail: list[tuple[int, str]] = []
    block: list[str] = []
    block_line = 0
    table_header_seen = False
    in_code = False

    def heading() -> tuple[str, ...]:
        return tuple(t for _, t in trail)

    def flush() -> Iterator[_Unit]:
        text = "\n".join(block)
        for start, end in sentence_spans(text):
            yield _Unit(text[start:end], block_line + text[:start].count("\n"), heading())
        block.clear()

    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        match = _HEADING.match(line)
        is_table = bool(_TABLE_LINE.match(line))
        if match or is_table or not line.strip() or _BULLET.match(line):
            yield from flush()
        if not is_table:
            table_header_seen = False
        if match:
            level = len(match.group(1))
            while trail and trail[-1][0] >= level:
                trail.pop()
            title = match.group(2).strip()
            trail.append((level, title))
            if level == 1:
                top_level.append(title)
            continue
        if is_table:
            if _TABLE_RULE.match(line):
                continue
            if table_header_seen:
                yield _Unit(line.strip(), number, heading(), is_row=True)
            table_header_seen = True
            continue
        if line.strip():
            if not block:
                block_line = number
            block.append(_BULLET.sub("", line) if _BULLET.match(line) else line)
    yield from flush()


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")


def _check_duplicates(topics: list[_Topic], root: Path, report: CheckReport) -> None:
    by_slug: dict[str, Path] = {}
    by_title: dict[str, Path] = {}
    for topic in topics:
        shown = _display(topic.path, root)
        if topic.slug in by_slug:
            other = _display(by_slug[topic.slug], root)
            report.problems.append(Problem(shown, None, f"duplicate topic: same slug as {other}"))
        by_slug.setdefault(topic.slug, topic.path)
        if topic.front is not None:
            key = " ".join(topic.front.title.casefold().split())
            if key in by_title:
                other = _display(by_title[key], root)
                report.problems.append(Problem(shown, None, f"duplicate topic: same title as {other}"))
            by_title.setdefault(key, topic.path)


class Question(BaseModel):
    """One evaluation question: what a clinician asks, the topic that should answer it, and the
    phrase the answer's bottom line should contain."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=10)
    topic: str
    key_phrase: str = Field(min_length=3)


def load_questions(path: Path) -> list[Question]:
    """Parse the questions file; raises InputError with the first problem found."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read questions file {path}: {' '.join(str(exc).split())}") from exc
    if not isinstance(data, list):
        raise InputError(f"{path} must be a YAML list of {{question, topic, key_phrase}} entries")
    try:
        return [Question.model_validate(item) for item in data]
    except ValidationError as exc:
        raise InputError(f"{path}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


def _check_questions(path: Path, topics: list[_Topic], report: CheckReport) -> None:
    shown = str(path)
    try:
        questions = load_questions(path)
    except InputError as exc:
        report.problems.append(Problem(shown, None, str(exc)))
        return
    report.questions += len(questions)
    by_slug = {t.slug: t for t in topics}
    asked: set[str] = set()
    for q in questions:
        topic = by_slug.get(q.topic)
        if topic is None:
            report.problems.append(Problem(shown, None, f"question names unknown topic {q.topic!r}"))
            continue
        asked.add(q.topic)
        if _plain(q.question) in topic.known_questions:
            # an evaluation question copied into the questions the topic is known to answer would
            # measure memory, not understanding
            report.problems.append(
                Problem(shown, None, f"question is also in {q.topic}{QUESTIONS_SUFFIX}: {q.question[:60]}")
            )
        if _plain(q.key_phrase) not in _plain(topic.body):
            report.problems.append(
                Problem(shown, None, f"key phrase {q.key_phrase!r} does not appear in topic {q.topic!r}")
            )
    for slug in sorted(set(by_slug) - asked):
        report.problems.append(Problem(shown, None, f"topic {slug!r} has no evaluation question"))
