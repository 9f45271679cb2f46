"""Scrub patient identifiers from a question before it is stored, logged or sent anywhere.

Clinicians paste case details; MedCite needs the clinical facts, never who the patient is.
Each identifier becomes a bracketed placeholder ("[NAME]", "[MRN]") so the question still
reads naturally and the clinical numbers (doses, scores, blood pressure) are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_NAME = r"[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,2}"
_STREET = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|drive|boulevard|blvd|court|ct|way|place|pl|close|"
    r"crescent|terrace|square)"
)

# (kind, pattern, group to replace: 0 = whole match). Order matters: specific before general.
_RULES: list[tuple[str, re.Pattern[str], int]] = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), 0),
    (
        "MRN",
        re.compile(
            r"\b(?:MRN|medical record (?:number|no\.?)|hospital (?:number|no\.?)|NHS (?:number|no\.?)|"
            r"patient id|record (?:number|no\.?))\s*[:#]?\s*([A-Z]{0,3}[\d][\d\s-]{3,14}\d|[A-Z0-9]{5,12})",
            re.I,
        ),
        1,
    ),
    ("SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), 0),
    (
        "DOB",
        re.compile(rf"\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?)\s*[:,]?\s*({_DATE})", re.I),
        1,
    ),
    (
        "PHONE",
        re.compile(
            r"\b(?:phone|tel|telephone|mobile|cell)\s*(?:number|no\.?)?\s*[:#]?\s*(\+?\d[\d\s().-]{6,}\d)",
            re.I,
        ),
        1,
    ),
    ("PHONE", re.compile(r"(?<![\w/.])(?:\+44\s?7\d{3}|07\d{3})\s?\d{3}\s?\d{3}(?![\w/.])"), 0),
    (
        "PHONE",
        re.compile(
            r"(?<![\w/.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,5}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w/.])"
        ),
        0,
    ),
    (
        "ADDRESS",
        re.compile(rf"\b\d{{1,5}}\s+(?:[A-Z][a-z]+\s+){{1,3}}{_STREET}\b\.?(?:,?\s+[A-Z][a-z]+)?"),
        0,
    ),
    ("ADDRESS", re.compile(r"\b(?:lives at|living at|resides at|address:?)\s+([^,.;]+)", re.I), 1),
    ("POSTCODE", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"), 0),
    ("NAME", re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?\s+({_NAME})"), 1),
    (
        "NAME",
        re.compile(
            rf"\b(?:[Pp]atient|[Mm]an|[Ww]oman|[Gg]irl|[Bb]oy|[Cc]hild|[Ss]on|[Dd]aughter)?\s*"
            rf"(?:named|called|[Nn]ame is|[Nn]ame:)\s+({_NAME})"
        ),
        1,
    ),
    ("DATE", re.compile(rf"\b{_DATE}\b", re.I), 0),
]


@dataclass
class ScrubResult:
    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def scrub_identifiers(text: str) -> ScrubResult:
    """Replace names, record numbers, dates of birth, phone numbers, emails and addresses."""
    found: dict[str, int] = {}
    for kind, pattern, group in _RULES:
        pieces: list[str] = []
        last = 0
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if start < 0 or text[start:end].startswith("["):
                continue
            pieces.append(text[last:start])
            pieces.append(f"[{kind}]")
            last = end
            found[kind] = found.get(kind, 0) + 1
        if pieces:
            pieces.append(text[last:])
            text = "".join(pieces)
    return ScrubResult(text=text, found=found)
