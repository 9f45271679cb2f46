"""Decide a source's kind (guideline, trial, drug label, ...) from metadata, then content.

Order of trust: an explicit override, then what the document says about itself (front matter,
PubMed publication types, the format), then cue phrases in the title and opening text.
"""

from __future__ import annotations

import re

from medcite.models import ParsedDocument, SourceKind

_PUBLICATION_TYPES = [
    ("practice guideline", SourceKind.GUIDELINE),
    ("guideline", SourceKind.GUIDELINE),
    ("consensus development conference", SourceKind.GUIDELINE),
    ("systematic review", SourceKind.SYSTEMATIC_REVIEW),
    ("meta-analysis", SourceKind.SYSTEMATIC_REVIEW),
    ("randomized controlled trial", SourceKind.TRIAL),
    ("clinical trial", SourceKind.TRIAL),
    ("observational study", SourceKind.COHORT),
    ("review", SourceKind.REVIEW),
]

_GUIDELINE_CUE = (
    r"\b(guideline|guidelines|recommendations?|consensus statement|position statement|"
    r"practice parameter|clinical practice)\b"
)
_TRIAL_CUE = r"\b(randomi[sz]ed|controlled trial|phase (ii|iii|2|3)|double-blind|placebo-controlled)\b"
_COHORT_CUE = r"\b(cohort|retrospective|prospective study|case-control|registry|observational)\b"
_TITLE_CUES = [
    (re.compile(_GUIDELINE_CUE, re.I), SourceKind.GUIDELINE),
    (
        re.compile(r"\b(systematic review|meta-analys[ie]s|network meta)\b", re.I),
        SourceKind.SYSTEMATIC_REVIEW,
    ),
    (re.compile(_TRIAL_CUE, re.I), SourceKind.TRIAL),
    (re.compile(_COHORT_CUE, re.I), SourceKind.COHORT),
    (re.compile(r"\b(review|overview|update on)\b", re.I), SourceKind.REVIEW),
]


def classify_kind(doc: ParsedDocument) -> SourceKind:
    """Best guess of the source kind; `article` when nothing points elsewhere."""
    if doc.meta.kind is not None:
        return doc.meta.kind
    if doc.format == "spl":
        return SourceKind.DRUG_LABEL
    # JATS article-type values are hyphenated ("meta-analysis", "review-article"); PubMed's are not.
    publication_types = [
        str(t).lower().replace("-", " ") for t in doc.meta.extra.get("publication_types", [])
    ]
    for cue, kind in _PUBLICATION_TYPES:
        if any(cue.replace("-", " ") in t for t in publication_types):
            return kind
    title = doc.meta.title
    opening = " ".join(s.text for s in doc.sections[:3])[:2000]
    for pattern, kind in _TITLE_CUES:
        if pattern.search(title):
            return kind
    for pattern, kind in _TITLE_CUES[1:4]:
        if pattern.search(opening):
            return kind
    return SourceKind.ARTICLE
