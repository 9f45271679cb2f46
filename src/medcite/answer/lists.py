"""Lay out a clause that ends in a long list ("X, Y, Z and W") as a lead-in and bulleted items.

Plain-language guidance favours a bulleted list over a run-in list of three or more items: each item is
seen on its own line, and the sentence around it shrinks to a short lead-in. The layout keeps every word
of the clause in its order, and the conjunction ("and", "or", "and/or") stays after the next-to-last item,
so "any of" and "all of" read as before:

    Avoid apixaban with strong inducers such as:
    - rifampicin,
    - carbamazepine,
    - phenytoin, or
    - St John's wort.

Only a list that ends its clause is laid out, and only when nothing could read differently as a list:
every item is a short noun phrase (no verb, no "when"/"if" clause), the last item carries no trailing
phrase that may belong to all items ("... until DKA resolves", "... to treat bronchiolitis"), and the
items do not share a head noun ("heart, lung, liver or kidney disease" stays a sentence).

The text format (`LIST_ITEM` lines after a lead-in that ends in ":") is what `Statement.plain` holds; the
renderers show it as a nested list and `readability.units` scores it by the SMOG counting rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcite.answer.instructions import INSTRUCTION_START as _INSTRUCTION_START

LIST_ITEM = "\n- "
MIN_ITEMS = 3
MAX_ITEM_WORDS = 7
# A list is laid out only after a short lead-in: the lead-in is read again with every item (and scored so,
# `readability.units`), so a long one makes each line as long as the sentence was.
MAX_LEAD_WORDS = 10

_WORD = re.compile(r"[A-Za-z0-9][\w'/.-]*")
# Where a lead-in may end: a list cue or a verb that takes the list as its object ("strong": a segment
# holding one is never an item), or a preposition ("people with ...", "the risk of ...").
_STRONG = (
    r"\bsuch as|\bincluding|\binclude[sd]?|\bfor example,?|\bespecially|\bparticularly|:|"
    r"\b(?:is|are|was|were|causes?|carry|carries|check|monitor|review|use|avoid|give|offer|add|stop|measure|"
    r"consider|think about|lists?|test|assess|record|choose|prefer|treat|take|ask|discuss)"
)
_PREPOSITION = r"\b(?:with|for|of|about|to|from|on|by|in|against|after|despite|without|between|among)"
_CUE = re.compile(rf"(?:{_STRONG}|{_PREPOSITION})(?=\s)", re.I)
_STRONG_CUE = re.compile(rf"(?:{_STRONG})(?=\s)", re.I)
# A clause inside an item: the item is then not a noun phrase, and a bullet could regroup it.
_CLAUSE = re.compile(
    r"\b(?:when|whenever|if|unless|until|where|because|while|who|whose|which|that|should|must|may|can|"
    r"cannot|will|is|are|was|were|has|have|had|do|does|did|need|needs|not|no|only|then|so|even)\b",
    re.I,
)
# An item never starts with a word that ties it to the item before ("..., particularly with X").
_BAD_START = re.compile(
    r"^(?:and|or|but|nor|with|without|in|on|at|to|for|by|from|as|than|of|including|such|especially|"
    r"particularly|compared|even|also|then|e\.g|i\.e|\w+ing\b(?<!bleeding)(?<!vomiting)(?<!smoking)"
    r"(?<!swelling)(?<!feeding)(?<!breastfeeding)(?<!drinking))\b",
    re.I,
)
# A phrase at the end of the last item that may qualify every item.
_TRAILING = re.compile(
    r"\b(?:at|until|for|within|during|before|after|in|on|by|to|from|since|over|under|per|daily|weekly|"
    r"twice|once|first|early|closely|regularly|again|instead|alone|together|each|every|where|"
    r"rather|than|as|including|such|with|without|or|and|nor)\b",
    re.I,
)
# An opening condition or scope: when the lead-in would be only the sentence's first segment and it
# opens so, the first comma may close the condition instead of separating items.
_OPENING = re.compile(
    r"^(?:if|when|whenever|unless|where|once|after|before|in|for|during|while|with|without|on|at|among)\b",
    re.I,
)
_SUBORDINATE = re.compile(
    r"\b(?:when|whenever|if|unless|until|where|because|while|who|whose|which|that|although|though)\b", re.I
)
_LIST_OPENERS = {"when", "whenever", "if", "unless", "who"}
MAX_CLAUSE_WORDS = 12
_CONJUNCTION = re.compile(r"\s+(and/or|and|or)\s+", re.I)
_OXFORD = re.compile(r"^(and/or|and|or)\s+", re.I)
# A last "item" that only completes the one before: "1.5 mg/dL or more".
_COMPLETES = re.compile(
    r"^(?:more|less|higher|lower|above|below|over|under|greater|fewer|both|other|others)\b"
)


@dataclass(frozen=True)
class RunInList:
    """A clause split into its lead-in (ending before the list), the items, and the conjunction."""

    lead: str
    items: list[str]
    conjunction: str


def _mask(text: str) -> str:
    """Commas and words inside brackets hidden (same length), so they neither split nor qualify items."""
    out, depth = [], 0
    for ch in text:
        depth += ch in "(["
        out.append("#" if depth and ch not in "([" else ch)
        depth -= ch in ")]" and depth > 0
    return "".join(out)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _item(item: str) -> bool:
    """A short noun phrase: no clause, no instruction, no word that ties it to what came before."""
    return (
        0 < _words(item) <= MAX_ITEM_WORDS
        and not _CLAUSE.search(item)
        and not _INSTRUCTION_START.match(item)
        and not _BAD_START.match(item)
        and not item.strip().endswith(("-", "/"))
    )


def _noun_list(clause: str, max_lead: int) -> RunInList | None:
    """A list of noun phrases that ends `clause` (its final full stop excluded), or None.

    The clause is read from its end: the last comma-separated segment holds the last item (after ", and"
    or ", or") or the last two (joined by the only "and"/"or" in it); earlier segments are items while
    they are short noun phrases; the first segment that is not holds the lead-in, which ends at its last
    cue ("such as", "include", an instruction verb, a preposition). At least two commas: with one, the
    comma may close an opening condition instead ("For people who ..., the AHS considers A and B")."""
    body = clause.rstrip().rstrip(".")
    masked = _mask(body)
    bounds = [0, *(m.end() for m in re.finditer(r",\s+", masked))]
    if len(bounds) < 3:
        return None
    segments = [
        (body[a:b].rstrip().rstrip(","), masked[a:b].rstrip().rstrip(","))
        for a, b in zip(bounds, [*bounds[1:], len(body)], strict=True)
    ]
    last_text, last_masked = segments[-1]
    oxford = _OXFORD.match(last_masked)
    if oxford:
        conjunction, tail = oxford.group(1), [last_text[oxford.end() :].strip()]
    else:
        joins = list(_CONJUNCTION.finditer(last_masked))
        if len(joins) != 1:
            return None  # "hypertension and hemiplegic or basilar migraine": the grouping is unclear
        j = joins[0]
        conjunction, tail = j.group(1), [last_text[: j.start()].strip(), last_text[j.end() :].strip()]
    final = tail[-1]
    masked_final = _mask(final)
    if _COMPLETES.match(final) or not _item(masked_final):
        return None
    if _TRAILING.search(masked_final.split(" ", 1)[1] if " " in masked_final else ""):
        return None  # "... and beta-hydroxybutyrate closely until DKA resolves": may qualify every item
    middle = tail[:-1]
    index = len(segments) - 2
    while index >= 0:
        text, mask = segments[index]
        if _STRONG_CUE.search(mask) or not _item(mask):
            break
        middle.insert(0, text.strip())
        index -= 1
    if index < 0 or not all(_item(_mask(m)) for m in middle):
        return None  # the sentence opens with its list ("Fever, flank pain or ... suggest ...")
    if len(segments) - 1 - index < 2:
        return None  # one comma in the list itself: it may close a condition instead
    text, mask = segments[index]
    if index == 0 and _OPENING.match(mask):
        return None  # "For women with low bone mass, weigh A, B and C": the comma closes the condition
    cues = list(_CUE.finditer(mask))
    if not cues:
        return None
    cut = cues[-1].end()
    if ":" in mask[: cues[-1].start()]:
        return None  # "risk factors: lung disease including A, B, ...": the list opened at the colon
    lead = ", ".join(t for t, _ in segments[:index]) + (", " if index else "") + text[:cut].strip()
    items = [text[cut:].strip(), *middle, final]
    if len(items) < MIN_ITEMS or not _item(_mask(items[0])) or _words(lead) > max_lead:
        return None
    if all(_words(i) == 1 for i in items[1:-1]) and _words(final) > 1:
        return None  # "heart, lung, liver or kidney disease": the items share the last item's noun
    return RunInList(lead=lead, items=items, conjunction=conjunction)


def find_list(clause: str, max_lead: int = MAX_LEAD_WORDS) -> RunInList | None:
    """The run-in list that ends `clause`, or None (see the module docstring): noun phrases
    ("... such as A, B, C or D") or conditions after "when", "if", "unless" or "who"
    ("Refer when A is high, B is below 30, or C is fast")."""
    return _noun_list(clause, max_lead) or _clause_list(clause, max_lead)


def _segments(body: str) -> list[tuple[str, str]]:
    """(text, masked text) of each top-level comma-separated segment."""
    masked = _mask(body)
    bounds = [0, *(m.end() for m in re.finditer(r",\s+", masked))]
    return [
        (body[a:b].rstrip().rstrip(","), masked[a:b].rstrip().rstrip(","))
        for a, b in zip(bounds, [*bounds[1:], len(body)], strict=True)
    ]


def _clause_item(item: str) -> bool:
    """One condition or verb phrase: its own verb allowed, no further condition or relative clause."""
    return (
        0 < _words(item) <= MAX_CLAUSE_WORDS
        and not _SUBORDINATE.search(item)
        and not _INSTRUCTION_START.match(item)
        and not re.search(r"\b(?:such as|including|especially|particularly|for example)\b", item, re.I)
        and not re.match(r"(?:and|or|but|nor|so|then|also|e\.g|i\.e)\b", item, re.I)
    )


def _clause_list(clause: str, max_lead: int) -> RunInList | None:
    """Conditions (or verb phrases after "who") listed after one "when"/"if"/"unless"/"who": each
    item has its own verb, so a phrase at its end belongs to it, as it does in the sentence."""
    segments = _segments(clause.rstrip().rstrip("."))
    if len(segments) < 3:
        return None
    last_text, last_masked = segments[-1]
    oxford = _OXFORD.match(last_masked)
    if not oxford:
        return None  # "A is high, B is low and C ...": without ", or" the last join may be inside a clause
    conjunction, final = oxford.group(1), last_text[oxford.end() :].strip()
    items = [final]
    index = len(segments) - 2
    while index >= 0 and _clause_item(segments[index][1]) and not _SUBORDINATE.search(segments[index][1]):
        items.insert(0, segments[index][0].strip())
        index -= 1
    if index < 0:
        return None
    if len(segments) - 1 - index < 2:
        return None
    text, mask = segments[index]
    opener = list(_SUBORDINATE.finditer(mask))
    if not opener or opener[-1].group(0).lower() not in _LIST_OPENERS:
        return None
    cut = opener[-1].end()
    lead = ", ".join(t for t, _ in segments[:index]) + (", " if index else "") + text[:cut].strip()
    items.insert(0, text[cut:].strip())
    if len(items) < MIN_ITEMS or _words(lead) > max_lead or not all(_clause_item(_mask(i)) for i in items):
        return None
    return RunInList(lead=lead, items=items, conjunction=conjunction)


def lay_out(found: RunInList) -> str:
    """The lead-in and one `LIST_ITEM` line per item; the conjunction after the next-to-last item."""
    lines = [found.lead.rstrip(":").rstrip() + ":"]
    for i, item in enumerate(found.items):
        if i == len(found.items) - 1:
            lines.append(item + ".")
        elif i == len(found.items) - 2:
            lines.append(f"{item}, {found.conjunction}")
        else:
            lines.append(item + ",")
    return lines[0] + "".join(LIST_ITEM + line for line in lines[1:])


def split_blocks(text: str) -> list[str | list[str]]:
    """Text as shown -> prose strings and lists of items, in order (for renderers and scoring)."""
    out: list[str | list[str]] = []
    for line in text.split("\n"):
        if line.startswith("- ") and out and (isinstance(out[-1], list) or out[-1].rstrip().endswith(":")):
            if isinstance(out[-1], list):
                out[-1].append(line[2:])
            else:
                out.append([line[2:]])
        elif line.strip():
            if out and isinstance(out[-1], str):
                out[-1] = f"{out[-1]} {line.strip()}"
            else:
                out.append(line.strip())
    return out
