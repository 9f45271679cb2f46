"""The answer article: MedCite's contract with users, the API and the web UI (DESIGN.md section 1).

Every part of the article has a field here. The JSON form (`medcite ask --json`) is
`AnswerArticle.model_dump(mode="json")`; `SCHEMA_VERSION` changes only when a field is renamed or
removed. A `Statement` is the unit of the invariants: its text plus the numbers of the references
that support it. `lead` is a short connective phrase written by MedCite ("If this fails:"); it is
never part of the checked text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"
EDITORIAL_POLICY_URL = "/editorial-policy"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Audience(StrEnum):
    CLINICIAN = "clinician"
    TRAINEE = "trainee"
    PATIENT = "patient"


class Intent(StrEnum):
    NEXT_STEP = "next_step"
    TREATMENT_CHOICE = "treatment_choice"
    DOSING = "dosing"
    DIAGNOSIS = "diagnosis"
    MONITORING = "monitoring"
    ADVERSE_EFFECTS = "adverse_effects"
    COMPARISON = "comparison"
    PROGNOSIS = "prognosis"


class Role(StrEnum):
    """What a sentence from a source does in an answer."""

    RECOMMENDATION = "recommendation"
    DOSING = "dosing"
    STUDY_RESULT = "study_result"
    MONITORING = "monitoring"
    CAUTION = "caution"
    ALTERNATIVE = "alternative"
    REFERRAL = "referral"
    BACKGROUND = "background"


class ReviewStatus(StrEnum):
    SUBMITTED = "Submitted"
    UNDER_REVIEW = "Under review"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    NEEDS_REREVIEW = "Needs re-review"
    WITHDRAWN = "Withdrawn"


# ---- facts the question states ------------------------------------------------------------------


class ScoreFact(_Model):
    """A score or measurement with its trend: "from 30/52 to 26/52 over 2 weeks"."""

    name: str | None = Field(None, description="What was measured, as the question names it.")
    start: float = Field(description="First value.")
    end: float = Field(description="Latest value.")
    scale_max: float | None = Field(None, description="Denominator when given (the 52 in 30/52).")
    unit: str | None = None
    trend: Literal["falling", "rising", "unchanged"]
    interval: str | None = Field(None, description="Time between the two values, e.g. '2 weeks'.")
    text: str = Field(description="The phrase the fact was read from.")


class LabFact(_Model):
    name: str
    value: str = Field(description="Value as written (may be '165/100').")
    unit: str | None = None
    text: str


class DoseFact(_Model):
    drug: str | None = None
    amount: str
    unit: str
    frequency: str | None = None
    text: str


class TreatmentFact(_Model):
    name: str
    status: Literal["current", "previous"]
    response: Literal["responded", "inadequate", "intolerant", "unknown"] = "unknown"


class Facts(_Model):
    condition: str | None = None
    age: int | None = None
    sex: Literal["female", "male"] | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    scores: list[ScoreFact] = Field(default_factory=list)
    labs: list[LabFact] = Field(default_factory=list)
    doses: list[DoseFact] = Field(default_factory=list)
    durations: list[str] = Field(default_factory=list)
    treatments: list[TreatmentFact] = Field(default_factory=list)
    drugs_mentioned: list[str] = Field(default_factory=list, description="Every drug or therapy named.")
    inadequate_response: bool = Field(
        False, description="The question says current therapy is not working (despite, failed, fell ...)."
    )

    @property
    def current_treatments(self) -> list[str]:
        return [t.name for t in self.treatments if t.status == "current"]

    @property
    def therapy_failing(self) -> bool:
        """Current therapy is not working: the question says so, or a score moved while on treatment
        (the Assessment calls this "inadequately controlled"; the bottom line then leads from the
        inadequate-response section)."""
        return self.inadequate_response or (
            bool(self.current_treatments) and any(s.trend != "unchanged" for s in self.scores)
        )

    @property
    def previous_treatments(self) -> list[str]:
        return [t.name for t in self.treatments if t.status == "previous"]


# ---- the article --------------------------------------------------------------------------------


class Statement(_Model):
    text: str = Field(description="Words taken from the cited passage (extractive) or composed (LLM).")
    citations: list[int] = Field(default_factory=list, description="Reference numbers, 1-based.")
    lead: str | None = Field(None, description="MedCite's connective phrase shown before the text.")
    role: Role | None = None
    plain: str | None = Field(
        default=None,
        description="Patient audience: the plain-language rendering of `text` that is shown instead of it. "
        "Derived from `text` by rule (answer/plain.py) and checked against it: same numbers and drug "
        "names, no lost negation, only words from `text`, the plain-language lexicon or a few connectives. "
        "A long list is laid out as a lead-in ending in ':' and one line per item starting with '- ' "
        "(answer/lists.py); renderers show it as a nested list.",
    )

    @property
    def shown(self) -> str:
        """The words a reader sees: the plain rendering when there is one, else the verified text."""
        return self.plain or self.text


class Warning(_Model):
    kind: Literal[
        "red_flag",
        "insufficient_evidence",
        "conflict",
        "contraindication",
        "pending_review",
        "identifiers_removed",
    ]
    text: str
    citations: list[int] = Field(default_factory=list)


class Assessment(_Model):
    """The situation as the question states it, in MedCite's own words (no citations needed)."""

    summary: list[str] = Field(default_factory=list, description="Findings, trends, treatments, pattern.")
    facts: Facts = Field(default_factory=Facts)  # type: ignore[arg-type]


class Considerations(_Model):
    monitoring: list[Statement] = Field(default_factory=list)
    alternatives: list[Statement] = Field(default_factory=list)
    cautions: list[Statement] = Field(default_factory=list)
    multidisciplinary: list[Statement] = Field(default_factory=list)


class Passage(_Model):
    """An exact span of a source: `source.text[char_start:char_end] == text`."""

    chunk_id: int
    section_path: list[str] = Field(default_factory=list)
    char_start: int
    char_end: int
    page: int | None = None
    text: str


class PrimarySource(_Model):
    """A publication an editorial summary cites (its `[rN]` markers), shown under that summary's reference."""

    marker: str = Field(description="The summary's own marker, e.g. 'r2'.")
    kind: str | None = None
    title: str
    authors: list[str] = Field(default_factory=list)
    organisation: str | None = None
    journal: str | None = None
    publisher: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None


class Reference(_Model):
    number: int
    source_id: int
    kind: str = Field(description="Guideline, Systematic review, Trial, Cohort, Review, Drug label ...")
    title: str
    authors: list[str] = Field(default_factory=list)
    organisation: str | None = None
    journal: str | None = None
    publisher: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    evidence_level: str | None = Field(None, description="Grade or strength the source states.")
    passages: list[Passage] = Field(default_factory=list)
    primary_sources: list[PrimarySource] = Field(
        default_factory=list,
        description="For an editorial summary: the guidelines and labels its cited passages rest on.",
    )


class Review(_Model):
    status: ReviewStatus = ReviewStatus.SUBMITTED
    version: int = 1
    last_updated: str | None = Field(None, description="ISO time the knowledge base last changed.")
    reviewers: list[str] = Field(default_factory=list)
    editorial_policy: str = EDITORIAL_POLICY_URL
    approved_at: str | None = Field(None, description="ISO time of approval, when Approved.")
    article_id: int | None = Field(None, description="The stored article (see `medcite review show ID`).")
    reuse: str | None = Field(
        None,
        description="How this answer was served: composed, existing (same question before), recomposed "
        "(a stored draft composed by another MedCite, composed again), approved_exact or approved_semantic "
        "(an approved article for the same or a close question).",
    )
    composer_version: str | None = Field(
        None,
        description="The MedCite version and composer fingerprint that composed the stored content "
        "(medcite.answer.fingerprint); an approved article keeps the one it was reviewed on.",
    )


class Readability(_Model):
    flesch_kincaid_grade: float
    words: int
    sentences: int


class DroppedStatement(_Model):
    section: str
    text: str
    reason: str


class Provenance(_Model):
    kb_version: int
    library_version: str | None = Field(
        None,
        description="Starter library version in this knowledge base (None when the library is disabled).",
    )
    composer: str = Field(
        description="'extractive', 'llm:<model>', or 'extractive (fallback: <reason>)' when the LLM failed."
    )
    retrieval_query: str
    passages_retrieved: int
    retrieved_chunks: list[int] = Field(
        default_factory=list, description="Chunk ids retrieved, in rank order."
    )
    evidence_strength: float = Field(description="Share of the question's key terms the best passage covers.")
    statements_dropped: int = 0
    dropped: list[DroppedStatement] = Field(default_factory=list)
    completeness_covered: list[str] = Field(default_factory=list)
    completeness_gaps: list[str] = Field(default_factory=list)
    identifiers_removed: dict[str, int] = Field(default_factory=dict)
    readability: Readability | None = Field(
        default=None, description="Flesch-Kincaid grade of the prose shown (plain renderings for patients)."
    )
    plain_rejected: list[DroppedStatement] = Field(
        default_factory=list,
        description="Patient audience: plain renderings that failed the check (the verified text is shown).",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)


class AnswerArticle(_Model):
    schema_version: str = SCHEMA_VERSION
    question: str = Field(description="The question with patient identifiers removed.")
    intent: Intent
    audience: Audience = Audience.CLINICIAN
    title: str
    warnings: list[Warning] = Field(default_factory=list)
    insufficient_evidence: bool = False
    bottom_line: list[Statement] = Field(default_factory=list)
    assessment: Assessment = Field(default_factory=Assessment)
    treatment_algorithm: list[Statement] = Field(default_factory=list)
    specific_recommendation: list[Statement] = Field(default_factory=list)
    evidence_supporting: list[Statement] = Field(default_factory=list)
    important_considerations: Considerations = Field(default_factory=Considerations)
    closing_rationale: Statement | None = None
    found_but_not_recommended: list[Statement] = Field(
        default_factory=list, description="With insufficient evidence: what retrieval did find."
    )
    references: list[Reference] = Field(default_factory=list)
    evidence_level: list[str] = Field(default_factory=list, description="Grades the cited sources state.")
    review: Review = Field(default_factory=Review)  # type: ignore[arg-type]
    glossary: dict[str, str] = Field(default_factory=dict, description="Abbreviations used, expanded.")
    disclaimer: str
    follow_ups: list[str] = Field(default_factory=list)
    provenance: Provenance

    def statements(self) -> list[tuple[str, Statement]]:
        """Every cited statement with its section name, in reading order."""
        c = self.important_considerations
        groups: list[tuple[str, list[Statement]]] = [
            ("bottom_line", self.bottom_line),
            ("treatment_algorithm", self.treatment_algorithm),
            ("specific_recommendation", self.specific_recommendation),
            ("evidence_supporting", self.evidence_supporting),
            ("monitoring", c.monitoring),
            ("alternatives", c.alternatives),
            ("cautions", c.cautions),
            ("multidisciplinary", c.multidisciplinary),
            ("closing_rationale", [self.closing_rationale] if self.closing_rationale else []),
            ("found_but_not_recommended", self.found_but_not_recommended),
        ]
        return [(name, s) for name, items in groups for s in items]

    def stable_dict(self) -> dict[str, Any]:
        """The JSON form without run-time measurements: equal for equal questions and knowledge bases."""
        data = self.model_dump(mode="json")
        data["provenance"].pop("timings_ms", None)
        return data
