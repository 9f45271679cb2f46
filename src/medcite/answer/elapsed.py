"""Time since an event, as a case states it and as advice limits it.

Acute advice is often bounded in time from an event: "within 4.5 hours of symptom onset", "within 72
hours of onset", "more than 3 hours after birth", "within 48 hours of starting the antibiotic". A case
states the time in its own words: "onset 2 hours ago", "NVD 1 h ago", "day 3 of amoxicillin", "2 days of
dysuria". Both are read here as hours since one of a few kinds of event (symptom onset, birth, starting a
treatment), so `bottom_line` can tell whether the patient is inside the window the sentence sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcite.answer.drugs import find_drugs
from medcite.search.expansion import abbreviation_meanings
from medcite.text.tokens import tokenize

_HOURS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0, "mo": 730.0}
_UNIT = r"(?P<unit>hours?|hrs?|h|days?|d|minutes?|mins?|min|weeks?|wks?|months?|mos?)"
# the kinds of event a window is counted from, by the words that name them
_EVENTS = {
    "onset": frozenset(tokenize("onset symptom symptoms illness history recognition")),
    "birth": frozenset(tokenize("birth delivery delivered born NVD SVD LSCS caesarean postpartum")),
    # ("after at least 3 months of GDMT": of the treatment begun)
    "start": frozenset(tokenize("starting started start day course GDMT therapy treatment")),
}
# "within 72 hours of onset"; "incomplete recovery 3 months after onset" (no word before: from then on)
_WINDOW = re.compile(
    r"\b(?:(?P<op>within|more than|beyond|later than|after|up to|in the first)\s+(?:at least\s+)?)?"
    r"(?P<a>\d+(?:\.\d+)?)"
    rf"(?:\s*-\s*(?P<b>\d+(?:\.\d+)?))?\s*{_UNIT}\s+(?P<conn>of|after|from|since)\s+"
    r"(?P<event>[A-Za-z][A-Za-z -]{2,40})",
    re.I,
)
# "Bell's palsy 4 months ago", "MI 3 weeks ago": an illness named right before "ago" dates its onset
_ILLNESS = re.compile(
    r"(?:palsy|itis|stroke|attack|infarct\w*|MI|TIA|seizure|fracture|injury|bleed|episode|diagnos\w*)\W*$",
    re.I,
)
_AGO = re.compile(rf"(?P<n>\d+(?:\.\d+)?)\s*{_UNIT}\s+ago\b", re.I)
_DAY_OF = re.compile(r"\bday\s+(?P<n>\d{1,2})\s+(?:of|on)\b", re.I)
# "for 3 days", "x3 days", ", 2 days dysuria", "3-day history of": how long the illness has lasted
_LASTING = re.compile(
    rf"(?:\bfor\s+|\bx\s*|^|[,.;]\s*)(?P<n>\d+(?:\.\d+)?)[- ]?{_UNIT}(?:\s+of|[- ]history)?\s+(?=[a-z])",
    re.I,
)

# "After 4 months on Entresto ...", "3 weeks into sertraline": time since a treatment was started
_ON_TREATMENT = re.compile(
    rf"\b(?P<n>\d+(?:\.\d+)?)\s*{_UNIT}\s+(?:on|into|of treatment with)\s+(?P<rest>.{{0,40}})", re.I
)
# "Now 14 weeks on, still ...", "6 weeks later and no better": time since the illness the case is about
_LATER = re.compile(
    rf"\b(?P<n>\d+(?:\.\d+)?)\s*{_UNIT}\s+(?:on|in|later)(?=\s*[,.;]|\s+(?:and|still|now|but)\b)", re.I
)


@dataclass(frozen=True)
class Elapsed:
    hours: float
    event: str  # a key of _EVENTS


@dataclass(frozen=True)
class Window:
    low: float | None  # hours; the time must be above it
    high: float | None  # hours; the time must be at most it
    event: str


def _hours(number: str, unit: str) -> float:
    key = "mo" if unit.lower().startswith("mo") else unit.lower()[0]
    return float(number) * _HOURS[key]


def _event(words: str) -> str | None:
    stems = set(tokenize(" ".join((words, *(m for w in words.split() for m in abbreviation_meanings(w))))))
    return next((name for name, named in _EVENTS.items() if stems & named), None)


def stated_elapsed(question: str) -> list[Elapsed]:
    """Times since an event the case states: "onset 36 h ago", "NVD 1 h ago" (birth), "day 3 of
    amoxicillin" (2 days since starting), "2 days of dysuria" (onset)."""
    out = []
    for m in _AGO.finditer(question):
        clause = re.split(r"[,;.]", question[: m.start()])[-1]
        event = _event(" ".join(clause.split()[-5:])) or ("onset" if _ILLNESS.search(clause) else None)
        if event:
            out.append(Elapsed(_hours(m.group("n"), m.group("unit")), event))
    for m in _DAY_OF.finditer(question):
        out.append(Elapsed(24.0 * (int(m.group("n")) - 1), "start"))
    for m in _LASTING.finditer(question):
        clause = re.split(r"[,;.]", question[: m.start()])[-1]
        if m.group(0).lower().lstrip().startswith(("for", "x")) and find_drugs(clause):
            continue  # "on prednisolone 5 mg for 3 days", "pred 50 mg od x10 days": how long a treatment ran
        out.append(Elapsed(_hours(m.group("n"), m.group("unit")), "onset"))
    for m in _ON_TREATMENT.finditer(question):
        drugs = find_drugs(m.group("rest"))
        if drugs and drugs[0].start <= 2:  # the drug right after "on"
            out.append(Elapsed(_hours(m.group("n"), m.group("unit")), "start"))
    for m in _LATER.finditer(question):
        out.append(Elapsed(_hours(m.group("n"), m.group("unit")), "onset"))
    return list(dict.fromkeys(out))  # "6 weeks later and ..." reads as both a duration and a time since


def windows(sentence: str) -> list[Window]:
    """The time windows a sentence sets: "within 72 hours of onset" (at most 72 h since onset), "more
    than 3 hours after birth" (above 3 h since birth)."""
    out = []
    for m in _WINDOW.finditer(sentence):
        event = _event(" ".join(m.group("event").split()[:3]))
        if event is None:
            continue
        limit = _hours(m.group("b") or m.group("a"), m.group("unit"))
        op = (m.group("op") or "").lower()
        if not op and m.group("conn").lower() == "of":
            continue  # "2 days of dysuria" is no window
        if not op:  # "3 months after onset": from then on (that time itself included)
            out.append(Window(limit * 0.999, None, event))
            continue
        if op in ("within", "up to", "in the first"):
            out.append(Window(None, limit, event))
        else:
            out.append(Window(_hours(m.group("a"), m.group("unit")), None, event))
    return out


def elapsed_fit(sentence: str, elapsed: list[Elapsed]) -> int:
    """+1 when the case is inside every window the sentence sets on an event it gives a time for, -1 when
    outside one, 0 when the sentence sets none or the case gives no time since that event."""
    verdict = 0
    for window in windows(sentence):
        times = [e.hours for e in elapsed if e.event == window.event]
        if not times:
            continue
        inside = any(
            (window.low is None or t > window.low) and (window.high is None or t <= window.high)
            for t in times
        )
        if not inside:
            return -1
        verdict = 1
    return verdict
