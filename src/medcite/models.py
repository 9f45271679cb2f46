"""Domain types shared by every layer. Imports nothing else from the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    """What kind of evidence a source is; drives ranking and the reference list."""

    GUIDELINE = "guideline"
    SYSTEMATIC_REVIEW = "systematic_review"
    TRIAL = "trial"
    COHORT = "cohort"
    REVIEW = "review"
    DRUG_LABEL = "drug_label"
    EDITORIAL_SUMMARY = "editorial_summary"
    ARTICLE = "article"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    SourceKind.GUIDELINE: "Guideline",
    SourceKind.SYSTEMATIC_REVIEW: "Systematic review",
    SourceKind.TRIAL: "Trial",
    SourceKind.COHORT: "Cohort",
    SourceKind.REVIEW: "Review",
    SourceKind.DRUG_LABEL: "Drug label",
    SourceKind.EDITORIAL_SUMMARY: "Editorial summary",
    SourceKind.ARTICLE: "Article",
    SourceKind.OTHER: "Other",
}


@dataclass(frozen=True)
class Section:
    """A titled block of a parsed document, in reading order.

    `path` is the heading trail ("Recommendations", "Refractory disease"); `is_table` marks
    text rendered from a table (one row per line) so the chunker never splits a row.
    """

    path: tuple[str, ...]
    text: str
    page: int | None = None
    is_table: bool = False


@dataclass
class SourceMeta:
    """Citation metadata a loader finds (or front matter states)."""

    title: str = ""
    kind: SourceKind | None = None
    authors: list[str] = field(default_factory=list)
    organisation: str | None = None
    journal: str | None = None
    publisher: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    licence: str | None = None
    specialty: str | None = None
    keywords: list[str] = field(default_factory=list)
    status: str | None = None
    evidence_grade: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedDocument:
    """What a loader returns: metadata plus sections in reading order."""

    meta: SourceMeta
    sections: list[Section]
    format: str


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it is stored: text is an exact span of the document text."""

    ordinal: int
    section_path: tuple[str, ...]
    text: str
    char_start: int
    char_end: int
    page: int | None = None
    is_table: bool = False


@dataclass(frozen=True)
class SearchHit:
    """One ranked chunk with enough source metadata to cite it."""

    chunk_id: int
    source_id: int
    score: float
    text: str
    section_path: tuple[str, ...]
    source_title: str
    source_kind: SourceKind
    year: int | None
    char_start: int
    char_end: int
    page: int | None = None
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)


class ReviewStatus(StrEnum):
    """Where an answer article stands in editorial review (stored value; `label` is what users see)."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_REREVIEW = "needs_rereview"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ReviewStatus.SUBMITTED: "Submitted",
    ReviewStatus.UNDER_REVIEW: "Under review",
    ReviewStatus.APPROVED: "Approved",
    ReviewStatus.REJECTED: "Rejected",
    ReviewStatus.NEEDS_REREVIEW: "Needs re-review",
    ReviewStatus.WITHDRAWN: "Withdrawn",
}


class UserRole(StrEnum):
    """What a user may do; each role can do everything the roles before it can."""

    CLINICIAN = "clinician"
    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(UserRole).index(self)
