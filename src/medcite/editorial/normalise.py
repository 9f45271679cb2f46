"""Question normalisation: two wordings that mean the same thing get the same key.

Conservative on purpose: an exact-match reuse serves an approved answer without anyone checking
that the questions agree, so normalisation only removes differences that cannot change meaning
(case, spacing, punctuation, unambiguous abbreviations). Numbers are kept, with their decimal
points, so "2.5 mg" and "25 mg" stay different.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from medcite.search.expansion import abbreviation_meanings

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_NOT_WORD = re.compile(r"[^a-z0-9\u00b7]+")


def _expand(match: re.Match[str]) -> str:
    word = match.group(0)
    meanings = abbreviation_meanings(word)
    if not meanings and len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        meanings = abbreviation_meanings(word[:-1])  # plural: "NSAIDs"
    # Ambiguous abbreviations ("HR": heart rate or hazard ratio) stay as written.
    return meanings[0] if len(meanings) == 1 else word


def normalise_question(question: str) -> str:
    """Lower case, unambiguous abbreviations expanded, punctuation and whitespace collapsed."""
    text = unicodedata.normalize("NFKC", question)
    text = _WORD.sub(_expand, text)
    text = _DECIMAL_POINT.sub("\u00b7", text.casefold())  # keep "2.5" apart from "2 5" and "25"
    return " ".join(_NOT_WORD.sub(" ", text).split()).replace("\u00b7", ".")


def question_key(normalised_question: str) -> str:
    """Fixed-length key for indexing (questions can be longer than a database index allows)."""
    return hashlib.sha256(normalised_question.encode("utf-8")).hexdigest()
