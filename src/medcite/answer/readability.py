"""Flesch-Kincaid grade level, written out (no dependency): reported for every answer, targeted
at grade 8 or lower for the patient audience.

A bulleted list (a lead-in ending in ":" and one "- " line per item, `answer/lists.py`) is scored by the
SMOG counting rule used for health materials: each item together with the lead-in counts as one
sentence, so the lead-in's words count once per item and a list is never one endless sentence. The rule
is the same for every audience and every text; prose lists inside a sentence stay one sentence.
"""

from __future__ import annotations

import re

from medcite.answer.lists import split_blocks
from medcite.answer.schema import Readability
from medcite.text.sentences import split_sentences

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Vowel groups, minus a silent final e, at least one."""
    w = word.lower()
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ie", "ye")):
        count -= 1
    if w.endswith(("ed", "es")) and not w.endswith(("ted", "ded", "ses", "ces", "zes", "ges")):
        count -= 1
    return max(1, count)


# The source splitter never ends a sentence after a unit ("5 mg. daily" in old labels), which is right for
# citing spans; for counting, a unit, a full stop and a capital letter is a sentence end ("5 mg. Oral.").
_UNIT_END = re.compile(r"\b(mg|mcg|g|kg|ml|mL|dl|dL|min|h|hr|hrs|mmol|L|IU|units)\.\s+(?=[A-Z])")


def _sentences(text: str) -> list[str]:
    parts = (_UNIT_END.sub("\\1.\x00", s).split("\x00") for s in split_sentences(text))
    return [part for group in parts for part in group if _WORD.search(part)]


def units(text: str) -> list[str]:
    """The sentences the grade counts: prose sentences, and for a bulleted list one unit per item made
    of the lead-in and the item (the lead-in, the last sentence before the items, is not counted alone)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        blocks = split_blocks(paragraph)
        for i, block in enumerate(blocks):
            if isinstance(block, list):
                continue
            sentences = _sentences(block)
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(following, list) and sentences and sentences[-1].rstrip().endswith(":"):
                lead = sentences.pop()
                out += sentences + [f"{lead} {item}" for item in following]
            else:
                out += sentences + (following if isinstance(following, list) else [])
    return out


def flesch_kincaid(text: str) -> Readability:
    sentences = units(text)
    words = [w for s in sentences for w in _WORD.findall(s)]
    if not words or not sentences:
        return Readability(flesch_kincaid_grade=0.0, words=0, sentences=0)
    syl = sum(syllables(w) for w in words)
    grade = 0.39 * (len(words) / len(sentences)) + 11.8 * (syl / len(words)) - 15.59
    return Readability(flesch_kincaid_grade=round(grade, 1), words=len(words), sentences=len(sentences))
