"""Query expansion from MedCite's own abbreviation and synonym table (`search/data/abbreviations.tsv`).

"AF" in a query also searches "atrial fibrillation"; "heart attack" also searches "myocardial
infarction". Expansion adds terms, it never removes the user's words, and ambiguous abbreviations
expand to every listed meaning (BM25 and the dense model sort out which one fits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Expansion:
    query: str
    added: tuple[str, ...]

    @property
    def expanded(self) -> str:
        return " ".join((self.query, *self.added)) if self.added else self.query


@cache
def _table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(abbreviation -> meanings, phrase -> synonyms); abbreviations are matched case-sensitively
    when listed in upper case (so "AF" expands but the word "af" in prose does not)."""
    abbreviations: dict[str, list[str]] = {}
    synonyms: dict[str, list[str]] = {}
    text = resources.files("medcite.search").joinpath("data/abbreviations.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, term, *meanings = [part.strip() for part in line.split("\t")]
        target = abbreviations if kind == "abbr" else synonyms
        target.setdefault(term if kind == "abbr" else term.lower(), []).extend(m for m in meanings if m)
    return (
        {k: tuple(v) for k, v in abbreviations.items()},
        {k: tuple(v) for k, v in synonyms.items()},
    )


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-/]*")


# "24/40", "32+3/40", "primip", "G2P1", "booking bloods": obstetric shorthand for a pregnant woman
_PREGNANCY_SHORTHAND = re.compile(
    r"(?<![\d/.])(?:[4-9]|[1-3]\d|4[0-2])(?:\+[0-6])?/40\b|\bprimip\w*|\bmultip\b|\bmultiparous\b"
    r"|\bprimigravid\w*|\bG\d+\s?P\d+\b|\b(?:antenatal )?booking (?:bloods?|visit|appointment|scan)\b",
    re.I,
)
PREGNANT = "pregnant"


def states_pregnancy(text: str) -> bool:
    """The text says the woman is pregnant in obstetric shorthand (not "BP 150/40")."""
    return bool(_PREGNANCY_SHORTHAND.search(text))


def expand_query(query: str) -> Expansion:
    abbreviations, synonyms = _table()
    added: list[str] = []
    if states_pregnancy(query) and PREGNANT not in query.lower():
        added.append(PREGNANT)
    lowered = query.lower()
    for match in _WORD.finditer(query):
        word = match.group(0)
        meanings = abbreviations.get(word) or (abbreviations.get(word.upper()) if word.isupper() else None)
        if meanings is None and len(word) > 1 and word[:-1].isupper() and word.endswith("s"):
            meanings = abbreviations.get(word[:-1])  # plural: "NSAIDs"
        if meanings:
            added.extend(m for m in meanings if m.lower() not in lowered)
    for phrase, alternatives in synonyms.items():
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            added.extend(a for a in alternatives if a.lower() not in lowered)
    unique = tuple(dict.fromkeys(added))
    return Expansion(query=query, added=unique)


def abbreviation_meanings(term: str) -> tuple[str, ...]:
    """Meanings listed for an abbreviation (for question analysis and the answer's glossary)."""
    return _table()[0].get(term, ())


def synonym_table() -> dict[str, tuple[str, ...]]:
    """Lower-case phrase -> its synonyms (for matching a question's words to a source's)."""
    return _table()[1]
