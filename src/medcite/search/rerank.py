"""Clinical rerank: the features a clinician weighs after topical relevance.

Guidelines above narrative reviews, recommendation and dosing sections above background,
recent sources above old ones. Boosts are multiplicative and small, so they reorder close
candidates but never lift an off-topic passage over an on-topic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from medcite.models import SourceKind
from medcite.search.backend import ChunkInfo

KIND_PRIOR: dict[SourceKind, float] = {
    SourceKind.GUIDELINE: 1.0,
    SourceKind.EDITORIAL_SUMMARY: 0.9,
    SourceKind.SYSTEMATIC_REVIEW: 0.85,
    SourceKind.DRUG_LABEL: 0.8,
    SourceKind.TRIAL: 0.7,
    SourceKind.COHORT: 0.5,
    SourceKind.REVIEW: 0.4,
    SourceKind.ARTICLE: 0.3,
    SourceKind.OTHER: 0.2,
}

_ACTIONABLE = re.compile(
    r"recommend|treatment|management|therap|dosing|dosage|dose|administration|indications|algorithm|"
    r"first[- ]line|second[- ]line|refractory|escalat|monitor|contraindicat|warning|precaution",
    re.I,
)
_BACKGROUND = re.compile(
    r"background|introduction|acknowledg|references|bibliograph|funding|conflicts? of interest|disclosure|"
    r"author contributions|abbreviations|supplementary|methods|competing interests",
    re.I,
)


@dataclass(frozen=True)
class RerankWeights:
    """Multiplicative clinical features, plus the additive question-intent match (search/intent.py)."""

    kind: float = 0.15
    section: float = 0.10
    recency: float = 0.05
    intent: float = 0.4
    intent_other_penalty: float = 0.5
    # 0: the intent term is added as is; 1: it is scaled by the topical score, so a passage that
    # serves the asked role but is about something else cannot climb far.
    intent_gate: float = 1.0


def section_role_score(section_path: tuple[str, ...]) -> float:
    """+1 for recommendation/dosing sections, -1 for background and back matter, 0 otherwise."""
    path = " ".join(section_path)
    if not path:
        return 0.0
    if _BACKGROUND.search(path):
        return -1.0
    if _ACTIONABLE.search(path):
        return 1.0
    return 0.0


def recency_score(year: int | None, today: date | None = None) -> float:
    """1 for this year, falling linearly to 0 at 20 years old; unknown years are neutral (0.5)."""
    if not year:
        return 0.5
    age = (today or date.today()).year - year
    return max(0.0, min(1.0, 1.0 - age / 20.0))


def clinical_boost(info: ChunkInfo, weights: RerankWeights) -> float:
    """A multiplier around 1.0 for one candidate."""
    return (
        1.0
        + weights.kind * (KIND_PRIOR.get(info.kind, 0.2) - 0.5)
        + weights.section * section_role_score(info.section_path)
        + weights.recency * (recency_score(info.year) - 0.5)
    )
