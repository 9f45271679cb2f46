"""MedCite's plain-language lexicon: medical term -> everyday words, for patient-mode renderings.

The lexicon is a data file written for this project (`data/plain_language.tsv`, one `term<TAB>plain`
per line). Terms match case-insensitively on whole words, the longest first, and never inside a drug
name; the file is refused with the line number when a term is listed twice, a side is empty, or the
plain words hold a digit (a number is never introduced or changed by a swap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from medcite.answer.drugs import find_drugs
from medcite.errors import MedCiteError

LEXICON_FILE = "data/plain_language.tsv"


class LexiconError(MedCiteError):
    """The shipped plain-language lexicon is malformed (a packaging or editing error)."""


@dataclass(frozen=True)
class Swap:
    start: int
    end: int
    term: str
    plain: str


@dataclass(frozen=True)
class Lexicon:
    """Medical term (lower case) -> plain words, matched case-insensitively on whole words."""

    terms: dict[str, str]
    pattern: re.Pattern[str]

    def swaps(self, text: str) -> list[Swap]:
        """The lexicon's matches in `text`, longest term first, none inside a drug name."""
        drugs = [(d.start, d.end) for d in find_drugs(text)]
        out = []
        for m in self.pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in drugs):
                continue
            term = " ".join(m.group(0).lower().split())
            out.append(Swap(m.start(), m.end(), m.group(0), self.terms[term]))
        return out

    def apply(self, text: str) -> str:
        parts: list[str] = []
        last = 0
        for swap in self.swaps(text):
            plain = swap.plain
            if swap.term[:1].isupper() and not swap.term[:2].isupper():
                plain = plain[:1].upper() + plain[1:]
            before = "".join(parts) + text[last : swap.start]
            parts = [_fix_article(before, plain), plain]
            last = swap.end
        return "".join(parts) + text[last:]


def _fix_article(before: str, plain: str) -> str:
    """ "an anticoagulant" -> "a blood thinner": the article before a swapped phrase follows its sound."""
    m = re.search(r"\b([Aa]n?)(\s+)$", before)
    if not m:
        return before
    if plain.startswith("other") and m.group(1).lower() == "an":
        return before[: m.start(1)] + m.group(1)[0] + "n"  # "an alternative" -> "another"
    vowel = bool(re.match(r"[aeio]|u(?!s|n[io])|[AEFHILMNORSX](?:[A-Z]|\b)", plain))
    article = ("An" if vowel else "A") if m.group(1)[0] == "A" else ("an" if vowel else "a")
    return before[: m.start(1)] + article + m.group(2)


def parse_lexicon(text: str) -> Lexicon:
    """Read `term<TAB>plain` lines; refuse duplicates, empty sides and plain words with numbers."""
    terms: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise LexiconError(f"Plain-language lexicon line {number}: expected 'term<TAB>plain words'.")
        term = " ".join(fields[0].lower().split())
        if term in terms:
            raise LexiconError(f"Plain-language lexicon line {number}: {term!r} is listed twice.")
        if re.search(r"\d", fields[1]):
            raise LexiconError(f"Plain-language lexicon line {number}: plain words may not hold numbers.")
        terms[term] = fields[1].strip()
    alternatives = "|".join(
        r"\s+".join(re.escape(w) for w in term.split()) for term in sorted(terms, key=len, reverse=True)
    )
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)
    return Lexicon(terms=terms, pattern=pattern)


@cache
def load_lexicon() -> Lexicon:
    text = resources.files("medcite.answer").joinpath(LEXICON_FILE).read_text(encoding="utf-8")
    return parse_lexicon(text)
