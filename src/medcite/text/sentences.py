"""Sentence boundaries with character offsets, tuned for clinical prose.

Citations point at exact spans, so the splitter returns offsets into the original text
instead of rewritten strings. It does not split after abbreviations common in medical
writing ("e.g.", "approx.", "Dr.", "i.v."), decimals ("2.5 mg"), initials or list numbers.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    """
    e.g i.e etc vs v cf al approx ca dr mr mrs ms prof st fig figs no nos vol pp p ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec inc ltd co corp dept univ
    b.i.d t.i.d q.i.d q.d p.o i.v i.m s.c mg mcg kg ml dl mmol min max hr hrs wk wks yr yrs
    sr jr gen col lt sgt ref refs resp approx. mo
    """.split()
)

# A candidate boundary: ., ! or ? (optionally followed by closing quotes/brackets), then whitespace.
_CANDIDATE = re.compile(r"[.!?][\"')\]]*(?=\s+)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_LIST_MARKER = re.compile(r"(?:^|[.!?:]\s+|\n\s*)\d{1,2}$")
_LOOKBACK = 64  # longer than any abbreviation or list marker the patterns above look for


def _is_boundary(text: str, end: int) -> bool:
    """`end` is the index just past the punctuation (and closing marks)."""
    punct_pos = end - 1
    while punct_pos > 0 and text[punct_pos] in "\"')]":
        punct_pos -= 1
    if text[punct_pos] != ".":
        return _next_starts_sentence(text, end)
    # Look back a bounded window: searching the whole prefix made long documents quadratic.
    window = max(0, punct_pos - _LOOKBACK)
    match = _WORD_BEFORE.search(text, window, punct_pos)
    if match:
        word = match.group(1).lower().rstrip(".")
        if word in _ABBREVIATIONS:
            return False
        if len(word) == 1 and match.group(1).isupper():  # an initial: "J. Smith"
            return False
        if "." in word:  # dotted abbreviation such as "b.i.d" or "U.S"
            return _next_starts_sentence(text, end) and word not in _ABBREVIATIONS and len(word) > 4
    elif _LIST_MARKER.search(text, window, punct_pos):
        return False  # "2." opening a numbered item, at line start or after a sentence
    return _next_starts_sentence(text, end)


def _next_starts_sentence(text: str, end: int) -> bool:
    rest = text[end:].lstrip()
    if not rest:
        return True
    first = rest[0]
    return first.isupper() or first.isdigit() or first in "\"'([-•*"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, whitespace trimmed, never empty.

    Line breaks that separate blocks (blank lines, bullet or table lines) are always
    boundaries: list items and table rows are units of their own.
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for match in _CANDIDATE.finditer(text, block_start, block_end):
            end = match.end()
            if _is_boundary(text, end):
                _append_trimmed(text, start, end, spans)
                start = end
        _append_trimmed(text, start, block_end, spans)
    return spans


_BLOCK_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)]|\|)\s)|\n(?=[^\n]*\t)")


def _blocks(text: str) -> list[tuple[int, int]]:
    blocks = []
    pos = 0
    for match in _BLOCK_BREAK.finditer(text):
        blocks.append((pos, match.start()))
        pos = match.end()
    blocks.append((pos, len(text)))
    return blocks


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]
