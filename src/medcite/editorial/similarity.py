"""When is a new question close enough to an approved one to serve the approved answer?

Sentence embeddings rank "amoxicillin dose for otitis media in children" and "... in adults" as
near-identical (cosine 0.986 with e5-small), yet the answers differ. So a semantic match needs,
besides a high cosine, the same numbers and the same clinical qualifiers: who (child, adult,
older, pregnant, breastfeeding, women, men), where (outpatient, inpatient), which phase (acute,
stable), which line of therapy (first, refractory), which action (start, stop, continue), which
facet (dose, maximum, monitoring, adverse effects, contraindications, diagnosis), negation, and
heart-failure type. The groups were written for MedCite; docs/benchmarks.md shows what each rule
buys on the paraphrase set in bench/data/question_pairs.tsv.
"""

from __future__ import annotations

import re
from collections import Counter

from medcite.editorial.verification import numbers_in

# Multi-word phrases first, so "does not respond" is read as refractory rather than as negation.
_PHRASES = [
    (re.compile(r"\b(?:does|did|do) not respond\w*|\bnot responding\b|\bno response\b"), " refractory "),
    (re.compile(r"\bside effects?\b"), " adverse "),
    (re.compile(r"\bhow much\b"), " dose "),
    (re.compile(r"\bhow (?:often|frequently)\b"), " monitoring "),
]

_GROUPS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "child": "child children paediatric pediatric infant infants neonate neonates neonatal newborn",
        "adult": "adult adults",
        "older": "older elderly frail geriatric",
        "pregnancy": "pregnancy pregnant",
        "breastfeeding": "breastfeeding lactation lactating breastfed",
        "women": "women woman female females",
        "men": "men man male males",
        "outpatient": "outpatient outpatients ambulatory community",
        "inpatient": "inpatient inpatients hospital hospitalised hospitalized intensive icu",
        "acute": "acute exacerbation exacerbations flare flares attack attacks",
        "stable": "stable maintenance",
        "first_line": "first initial",
        "refractory": "refractory fails fail failed failing resistant inadequate next",
        "start": "start starting started initiate initiating initiation begin",
        "stop": "stop stopping stopped discontinue discontinuing discontinuation cease",
        "continue": "continue continuing continued keep",
        "dose": "dose doses dosing dosage",
        "maximum": "maximum max most highest",
        "monitoring": "monitoring monitor monitored checked check measured measure",
        "adverse": "adverse toxicity",
        "contraindication": "contraindication contraindications contraindicated",
        "diagnosis": "confirm confirmed confirmation diagnose diagnosed diagnosis test testing",
        "negation": "without no not non",
        "reduced_ef": "reduced",
        "preserved_ef": "preserved",
    }.items()
}
_WORD_GROUPS: dict[str, set[str]] = {}
for _name, _words in _GROUPS.items():
    for _w in _words:
        _WORD_GROUPS.setdefault(_w, set()).add(_name)


def qualifiers(normalised_question: str) -> frozenset[str]:
    """The clinical qualifier groups a normalised question mentions."""
    text = f" {normalised_question} "
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    found: set[str] = set()
    for word in text.split():
        found |= _WORD_GROUPS.get(word, set())
    return frozenset(found)


def same_numbers(a: str, b: str) -> bool:
    return Counter(numbers_in(a)) == Counter(numbers_in(b))


def compatible(normalised_a: str, normalised_b: str) -> bool:
    """True when nothing in the wording shows that the two questions ask different things."""
    return same_numbers(normalised_a, normalised_b) and qualifiers(normalised_a) == qualifiers(normalised_b)
