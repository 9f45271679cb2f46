"""The patient audience: less depth and plain words, never other facts.

Applied to a composed article before verification (`AnswerService.ask`), so the verifier checks the
statements that remain and every plain rendering (`verify.verify_plain`), and references no longer
cited are then dropped with the rest. What changes for a patient:

- depth: study results and the closing rationale are left out and the other sections are shortened
  (PATIENT_LIMITS, first statements kept, so the plan's order stays); the statements that remain are
  the clinician article's statements, with the same citations and passages;
- words: each statement gets `plain`, its plain-language rendering (`answer/plain.py`); MedCite's own
  leads and title go through the same lexicon;
- glossary: abbreviations the shown statements use are explained, not just those of the question.
"""

from __future__ import annotations

import re

from medcite.answer.compose_extractive import completeness
from medcite.answer.lexicon import load_lexicon
from medcite.answer.plain import plain_text
from medcite.answer.schema import AnswerArticle, Statement
from medcite.search.expansion import abbreviation_meanings

PATIENT_LIMITS: dict[str, int] = {
    "bottom_line": 2,
    "treatment_algorithm": 2,
    "specific_recommendation": 4,
    "evidence_supporting": 0,
    "monitoring": 1,
    "alternatives": 1,
    "cautions": 3,
    "multidisciplinary": 1,
    "found_but_not_recommended": 3,
}
_ABBREVIATION = re.compile(r"\b[A-Z][A-Za-z0-9\-]{1,7}\b")


def _trim(items: list[Statement], section: str) -> list[Statement]:
    return items[: PATIENT_LIMITS[section]]


def adapt_for_patient(article: AnswerArticle) -> AnswerArticle:
    """Shorten the article and add plain renderings, in place (see the module docstring)."""
    a = article
    c = a.important_considerations
    a.bottom_line = _trim(a.bottom_line, "bottom_line")
    a.treatment_algorithm = _trim(a.treatment_algorithm, "treatment_algorithm")
    a.specific_recommendation = _trim(a.specific_recommendation, "specific_recommendation")
    a.evidence_supporting = _trim(a.evidence_supporting, "evidence_supporting")
    c.monitoring = _trim(c.monitoring, "monitoring")
    c.alternatives = _trim(c.alternatives, "alternatives")
    c.cautions = _trim(c.cautions, "cautions")
    c.multidisciplinary = _trim(c.multidisciplinary, "multidisciplinary")
    a.found_but_not_recommended = _trim(a.found_but_not_recommended, "found_but_not_recommended")
    a.closing_rationale = None
    if not a.insufficient_evidence:
        covered, gaps = completeness(a)
        a.provenance.completeness_covered, a.provenance.completeness_gaps = covered, gaps
    lexicon = load_lexicon()
    a.title = lexicon.apply(a.title)
    for _, statement in a.statements():
        statement.plain = plain_text(statement.text, lexicon)
        if statement.lead:
            statement.lead = lexicon.apply(statement.lead)
    a.glossary = {**a.glossary, **glossary_for([s.shown for _, s in a.statements()])}
    return a


def glossary_for(texts: list[str]) -> dict[str, str]:
    """Abbreviations in the shown statements that MedCite's abbreviation table can expand."""
    out: dict[str, str] = {}
    for word in sorted({w for text in texts for w in _ABBREVIATION.findall(text)}):
        meanings = abbreviation_meanings(word)
        if meanings and word.upper() == word:
            out[word] = " / ".join(meanings)
    return out
