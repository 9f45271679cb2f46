"""Plain-language renderings of quoted source sentences, for the patient audience.

A patient answer still quotes its sources: `Statement.text` stays the exact sentence the verifier
checks against the cited passage. `plain_text` derives the words a patient sees from that sentence,
deterministically and with no model:

1. the summary's `[rN]` markers go, and so do asides that carry nothing a reader acts on: a bracketed
   abbreviation ("(HBPM)") or an evidence grade ("(Level B)", "(strong recommendation)");
2. the sentence is cut at clause boundaries (semicolons, ", but", ", which", "because", a comma or
   "and" before a further instruction, a trailing "when ..." -> "This applies when ...") into shorter
   sentences; an opening condition ("If ...", "For children ...") is written again on each clause, and
   no cut moves a condition or splits a list (the rules are with `_CUTS` and in `cut_clauses`);
3. medical words become everyday ones from MedCite's own lexicon (`answer/lexicon.py`):
   "hypertension" -> "high blood pressure". Drug names, numbers and units are never touched.

`verify.verify_plain` then checks the result against the sentence it came from (same numbers and
drug names, no lost negation, every word from the sentence, the lexicon or a few connectives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from medcite.answer.drugs import find_drugs
from medcite.answer.instructions import COORDINATED as _COORDINATED
from medcite.answer.instructions import INSTRUCTION as _INSTRUCTION
from medcite.answer.instructions import INSTRUCTION_START as _INSTRUCTION_START
from medcite.answer.instructions import NOT_A_VERB as _NOT_A_VERB
from medcite.answer.instructions import NOUN_VERBS as _NOUN_VERBS
from medcite.answer.instructions import VERBS_ONLY as _VERBS_ONLY
from medcite.answer.lexicon import Lexicon, load_lexicon
from medcite.answer.lists import LIST_ITEM, RunInList, find_list, lay_out
from medcite.text.markers import strip_markers

# Words a cut may add ("which" becomes "This", "because" becomes "This is because") and "another",
# which "an" + "other" (the lexicon's "alternative") becomes.
CONNECTIVES = frozenset(
    {"this", "is", "applies", "examples", "are", "example", "then", "but", "so", "or", "for", "another"}
)
# A sentence longer than this is cut where a clause boundary allows; parts stay at least MIN_PART.
MAX_WORDS = 12
MIN_PART = 3

_ASIDE = re.compile(
    r"\s*\((?:[A-Z][A-Za-z]*[A-Z]s?|(?i:[^()\d]*\b(?:evidence|recommendation|certainty|quality|level|grade)\b"
    r"[^()\d]*))\)"
)
_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]*[A-Z]s?")
# Opening words whose clause governs the rest of the sentence: a cut after them could detach a
# condition ("If potassium is above 4.5 mmol/L, ...") from what it applies to.
_GOVERNED = re.compile(
    r"^(?:if|when|whenever|unless|where|once|after|before|in|for|during|while|although|though|because|"
    r"despite|with|without|among|until|as|on|at|by|from|within|over|under|only|except|since|following)\b",
    re.I,
)
_FINITE = r"(?:should|may|must|can|cannot|is|are|was|were|will|need|needs|has|have|do|does)"
# A second clause or condition: "This applies when ..." would then point at more than one thing.
_SECOND_CLAUSE = re.compile(
    r";|\b(?:when|if|unless|because)\b|,\s+(?:and|but|or|so|then)\s+[^,;]*\b(?:should|may|must|can|is|are|will|"
    r"need|needs|do|does)\b",
    re.I,
)
# The rest of the sentence is a list or a phrase, not the second half of its main clause.
_TO_END = rf"(?:(?!,\s+(?:(?:and|or|but)\s+)?(?:{_FINITE}|{_INSTRUCTION})\b).)*$"
# A part that ends inside a condition that opened after a comma ("..., if X persists"): the condition
# belongs to what follows, so no cut there.
_OPEN_CONDITION = re.compile(
    r",\s*(?:(?:and|or|but)\s*,?\s*)?(?:if|when|whenever|unless|once|after|before|while|until|where)\b[^,;]*$",
    re.I,
)
_OPEN_ANY = re.compile(r"\b(?:if|when|whenever|unless|once|while|until|where)\b[^,;]*$", re.I)
# A part that stops on a word that needs more after it ("... causes and", "... the").
_DANGLING = re.compile(
    r"\b(?:and|or|but|then|to|of|with|for|in|on|at|by|the|a|an|than|as|including|such as|especially|"
    r"particularly|like|except|even)$",
    re.I,
)
# Not after a word that narrows a condition ("only when", "even if"): a cut there would change it.
_FREE = "".join(
    rf"(?<!\b{w})"
    for w in ("only", "even", "except", "unless", "not", "especially", "particularly", "and", "or")
)
# A clause start: a finite verb within five words, with no relative word before it ("those whose ...").
_CLAUSE_START = (
    rf"(?!(?:or|and|but|who|whose|which|that)\b)"
    rf"(?:(?!(?:who|whose|which|that|those|if|when|unless|once|because|although|while|where)\b)[\w/'-]+\s+){{1,5}}"
    rf"{_FINITE}\b"
)
# Verbs of statements about a drug or a finding ("..., and spinal puncture carries a risk"): with these a
# clause after ", and" has its own subject, which must not open with a preposition ("and in the US are").
_STATEMENT_VERBS = (
    r"(?:carries|raises|increases|reduces|causes|suggests|remains|works|takes|includes|lists|defines|prefers|"
    r"advises|recommends)"
)
_SUBJECT = (
    r"(?!(?:or|and|but|who|whose|which|that|in|on|at|for|with|by|from|to|after|before|during|within|over|"
    rf"under|as|than|even|also|can|may|should|must|will|then|when|if|how|where|whether|{_STATEMENT_VERBS[3:-1]})\b)"
)
_AND_CLAUSE = re.compile(
    rf",\s+and\s+(?={_SUBJECT}(?:{_CLAUSE_START}|(?:(?!(?:who|whose|which|that|those)\b)[\w/'-]+\s+){{1,5}}"
    rf"{_STATEMENT_VERBS}\b))",
    re.I,
)
_INSTRUCTION_CUTS = (
    re.compile(
        rf",\s+(?:and\s+)?(?=(?:do not|don't|{_INSTRUCTION}|{_VERBS_ONLY})\b"
        rf"|(?:{_NOUN_VERBS})\b{_NOT_A_VERB})",
        re.I,
    ),
    re.compile(rf"\s+and\s+(?=(?:do not|don't|{_INSTRUCTION}|{_VERBS_ONLY})\b)", re.I),
)
# "Offer X, taking account of Y" -> "Offer X. Take account of Y.": a participle that says how to carry
# out an instruction becomes an instruction of its own (only after an instruction, and only when no
# second participle follows that would then read as part of it).
_PARTICIPLES = {
    "taking": "Take ",
    "using": "Use ",
    "reviewing": "Review ",
    "weighing": "Weigh ",
    "continuing": "Continue ",
    "checking": "Check ",
    "rechecking": "Recheck ",
    "avoiding": "Avoid ",
    "giving": "Give ",
    "adding": "Add ",
}
_PARTICIPLE_CUTS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(rf",\s+{verb}\s+(?![^,;]*\b(?:and|or)\s+\w+ing\b)(?=[^;]*$)", re.I), opener, False)
    for verb, opener in _PARTICIPLES.items()
)
_GROUP = r"(?:patients|people|adults|women|men|children|those|anyone)"
# (boundary, words that open the new sentence, safe after an opening condition). A cut that opens with
# "This ..." points back at the sentence before, so a condition that sentence opens with still reaches
# it; the others start a new clause and are used only when the sentence has no opening condition (or,
# in `cut_clauses`, with that condition repeated).
_CUTS: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    (re.compile(r";\s+"), "", False),
    (re.compile(r",\s+but\s+", re.I), "But ", False),
    (re.compile(r",\s+(?:although|though|whereas)\s+", re.I), "But ", False),
    (re.compile(r",\s+so\s+(?!that\b)", re.I), "So ", False),
    (re.compile(r",\s+then\s+", re.I), "Then ", False),
    (
        re.compile(r",\s+which\s+(?=(?:is|are|was|were|can|may|might|should|will|has|have|\w+s)\b)", re.I),
        "This ",
        True,
    ),
    (re.compile(r"\s+because\s+(?=[^,;]*$)", re.I), "This is because ", True),
    (re.compile(r",\s+since\s+(?=[^,;]*$)", re.I), "This is because ", True),
    (re.compile(r",?\s+so\s+that\s+(?=[^,;]*$)", re.I), "This is so that ", True),
    (_INSTRUCTION_CUTS[0], "", False),
    (_INSTRUCTION_CUTS[1], "", False),
    *_PARTICIPLE_CUTS,
    (_AND_CLAUSE, "", False),
    (re.compile(r":\s+(?=[^.;]*\b(?:is|are|should|may|can|must|will|need|needs)\b)"), "", False),
    (re.compile(rf"{_FREE},?\s+when\s+", re.I), "This applies when ", True),
    (re.compile(rf"{_FREE},?\s+if\s+", re.I), "This applies if ", True),
    (re.compile(r",?\s+even\s+if\s+", re.I), "This applies even if ", True),
    (re.compile(rf"{_FREE},?\s+unless\s+", re.I), "This applies unless ", True),
    (re.compile(rf",?\s+(?=for\s+{_GROUP}\b)", re.I), "This is ", True),
    (
        re.compile(rf",?\s+in\s+(?={_GROUP}\s+(?:who|with|aged|over|under|taking|on)\b)", re.I),
        "This is for ",
        True,
    ),
    (re.compile(rf",\s+such\s+as\s+(?={_TO_END})", re.I), "Examples are ", True),
    (re.compile(rf",\s+for\s+example,?\s+(?={_TO_END})", re.I), "For example, ", True),
)
# After a list of examples, the main clause resumes: ", and for fulminant colitis", ", switching to ...".
_RESUMES = re.compile(
    r",\s+(?:(?:and|or|but)\s+(?:for|with|in|to|on|at|by|from|about|if|when|after|before)\b|\w+ing\b)", re.I
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*")
# A table row as the selector shows it: "cell: cell; cell; cell" (one cited row of a dosing table).
_TABLE_ROW = re.compile(r"^[^.;:]{1,80}: [^;]+(?:; [^;]+){2,}$")


def drop_asides(text: str) -> str:
    """Remove bracketed abbreviations and evidence grades; an aside with a number or drug stays."""

    def keep(m: re.Match[str]) -> str:
        inner = m.group(0).strip()[1:-1]
        if find_drugs(inner) or (not _ABBREVIATION.fullmatch(inner) and not _ASIDE.fullmatch(m.group(0))):
            return m.group(0)
        return ""

    return _ASIDE.sub(keep, text)


def _words(text: str) -> int:
    return len(_WORDS.findall(text))


def cut_clauses(sentence: str, governed: bool | None = None, moves: bool = True) -> list[str]:
    """Cut a long sentence at the first clause boundary that leaves two parts of MIN_PART words.

    A sentence that opens with a condition ("If ...", "In adults ...") is either cut into clauses that
    each repeat the condition (`_share_condition`) or cut only where the new sentence points back at it
    ("This applies when ..."), so the condition keeps its reach."""
    sentence = sentence.strip()
    if _words(sentence) <= MAX_WORDS:
        return [sentence]
    if governed is None:
        governed = bool(_GOVERNED.match(sentence))
        shared = _share_condition(sentence) if governed else None
        if shared:
            return shared
        moved = move_condition(sentence) if governed and moves else None
        if moved:
            return moved
    for pattern, opener, safe in _CUTS:
        if governed and not safe:
            continue
        for m in pattern.finditer(sentence):
            left, right = sentence[: m.start()].rstrip(" ,"), sentence[m.end() :].lstrip()
            if _words(left) < MIN_PART or _words(right) < MIN_PART:
                continue
            if _DANGLING.search(left) or _OPEN_CONDITION.search(left):
                continue
            if m.group(0).lstrip()[:1] not in (",", ";") and _OPEN_ANY.search(left):
                continue  # "unless A agree and document B": no comma closed the condition before the cut
            if opener.startswith("This is for") and "," in right:
                continue  # the group must be all that follows, not a group and a further phrase
            if opener.startswith(("This applies", "This is for")) and _COORDINATED.search(left):
                continue  # "Review X and change Y if Z": the condition may belong to the second only
            if opener.startswith("This applies") and "," in (left.split(",", 1)[-1] if governed else left):
                continue  # the condition may belong to a phrase of the sentence, not to all of it
            if (pattern in _INSTRUCTION_CUTS or (pattern, opener, safe) in _PARTICIPLE_CUTS) and not (
                _INSTRUCTION_START.match(left)
            ):
                continue  # "..., give X" continues a list of instructions only after an instruction
            verb = (
                _INSTRUCTION_START.match(left)
                or re.search(rf"\b{_FINITE}\b", left, re.I)
                or (pattern is _AND_CLAUSE and re.search(rf"\b{_STATEMENT_VERBS}\b", left, re.I))
            )
            if (pattern is _AND_CLAUSE or opener.startswith("This")) and not verb:
                continue  # the left part would be a fragment without a verb
            if opener.startswith(("Examples", "For example")) and not (
                verb or re.search(rf"(?:^|,\s+){_INSTRUCTION_START.pattern}", left, re.I)
            ):
                continue  # "For people not at target, such as after X fails, switch ...": a fragment
            if opener.startswith(("Examples", "For example")) and _RESUMES.search(right):
                continue  # "such as A or B, and for C": the sentence goes on after its examples
            if opener.startswith("This") and (
                _SECOND_CLAUSE.search(left) or _SECOND_CLAUSE.search(right) or not re.match(_TO_END, right)
            ):
                continue  # "This ..." must point back at one clause and carry one clause
            if opener:  # a condition, reason or list that points back stays whole
                return [*cut_clauses(left, governed, moves), opener + right]
            return [
                *cut_clauses(left, governed, moves),
                *cut_clauses(right[:1].upper() + right[1:], moves=moves),
            ]
    return [sentence]


# An opening condition that is moved behind its one instruction (`move_condition`): the opener and the
# words that point back at the instruction from the new sentence.
_MOVABLE = re.compile(rf"^(?:(for|in)\s+(?={_GROUP}\b)|(for)\s+|(if|when|where|in)\s+)", re.I)
# Words that must not move with a condition (the brief of this rule: a negation or a restriction stays
# where the source put it), and words in the instruction that would give it a second condition or clause.
_STAYS = re.compile(
    r"\b(?:not|no|none|neither|nor|without|never|cannot|can't|don't|doesn't|only|unless|except|other than|"
    r"absent|absence|lack|lacks|un(?:available|suitable|able|controlled|responsive|known)|"
    r"contraindicat\w*|ineffective|inadequate\w*|insufficient|intolerant)\b",
    re.I,
)
_ONE_CLAUSE_ONLY = re.compile(
    r";|:|\b(?:if|when|whenever|unless|where|while|until|once|because|since|only|except|otherwise|then|"
    r"and then|before|after)\b",
    re.I,
)
# Two instructions offered as alternatives ("add X or switch to Y").
_ALTERNATIVE = re.compile(rf"\bor\s+(?:{_INSTRUCTION}|{_VERBS_ONLY}|{_NOUN_VERBS})\b", re.I)
# A condition this long (in words) or longer leads with the instruction instead (the Federal Plain
# Language Guidelines: a long condition before a short main clause goes after it).
MOVE_MIN_CONDITION = 6


def _negative(text: str) -> bool:
    """A negation or restriction in the words as the source has them or as the lexicon renders them
    ("outpatients" -> "people not in hospital", "contraindicated" -> "should not be used")."""
    return bool(_STAYS.search(text) or _STAYS.search(load_lexicon().apply(text)))


def move_condition(sentence: str) -> list[str] | None:
    """ "For people <long condition>, give X." -> "Give X." "This is for people <long condition>."

    Only a sentence that is ONE instruction under ONE opening condition: the instruction holds no second
    clause, condition, list of instructions, colon or semicolon, and the condition no negation, "only",
    "unless" or "except" (see `_STAYS`). The new sentence starts with "This", so the condition points
    straight back at the one instruction before it, as the "This applies when ..." cut does for a
    condition the source wrote last. None when any of this does not hold."""
    m = re.match(r"([^,;:()]+),\s+(.+?)\.?$", sentence)
    if not m:
        return None
    condition, main = m.group(1).strip(), m.group(2).strip()
    opener = _MOVABLE.match(condition)
    if not opener or _words(condition) < MOVE_MIN_CONDITION or _negative(condition):
        return None
    if re.search(r"\b(?:if|when|whenever|unless|where|while|until)\b", condition[opener.end() :], re.I):
        return None  # a second condition inside the first
    if not _INSTRUCTION_START.match(main) or _ONE_CLAUSE_ONLY.search(main) or _negative(main):
        return None
    if (
        _COORDINATED.search(main)
        or _ALTERNATIVE.search(main)
        or len(cut_clauses(main, governed=False, moves=False)) > 1
        or find_list(main) is not None
    ):
        return None  # two instructions (the condition may belong to one only), or a list: "This" is unclear
    if re.search(r",\s+(?:and\s+|or\s+)?(?:do not|don't|" + _INSTRUCTION + r")\b", main, re.I):
        return None
    if _words(main) > _words(condition) + 6:
        return None  # a short condition before a long instruction stays first
    word = next(g for g in opener.groups() if g)
    rest = condition[opener.end() :]
    if opener.group(1) or opener.group(2):
        back = f"This is for {rest}"
    else:
        back = f"This applies {word.lower()} {rest}"
    return [main[:1].upper() + main[1:], back]


_CONTINUES = ("This ", "Examples are ", "For example, ", "But ", "So ", "Then ", "Or ")


def _share_condition(sentence: str) -> list[str] | None:
    """ "If A, do B and do C." -> "If A, do B. If A, do C.": each clause of the main part keeps the
    opening condition, written out again. None when the opening clause cannot be told apart (a comma
    inside a list) or the main part has one clause only."""
    m = re.match(r"([^,;:]+),\s+(.+)$", sentence)
    if not m or re.search(r"\bsuch as\b", m.group(1), re.I) or _words(m.group(1)) > 14:
        return None
    lead, rest = m.group(1), m.group(2)
    if ";" in rest:
        return None  # what follows a semicolon may not be under the condition: leave it whole
    if not (_INSTRUCTION_START.match(rest) or re.match(_CLAUSE_START, rest, re.I)):
        return None
    parts = cut_clauses(rest, governed=False)
    if len(parts) < 2:
        return None
    out = [f"{lead}, {parts[0]}"]
    for part in parts[1:]:
        if part.startswith(_CONTINUES) or _GOVERNED.match(part):
            out.append(part)  # points back at the sentence before, or has its own condition
        else:
            lowered = part[:1].lower() + part[1:] if part[1:2].islower() else part
            out.append(f"{lead}, {lowered}")
    return out


def _finish(sentence: str) -> str:
    sentence = sentence.strip().rstrip(",;:")
    if not sentence:
        return ""
    sentence = sentence[:1].upper() + sentence[1:]
    return sentence if sentence.endswith((".", "?", "!")) else sentence + "."


def plain_text(
    text: str,
    lexicon: Lexicon | None = None,
    *,
    asides: bool = True,
    cuts: bool = True,
    words: bool = True,
    lists: bool = True,
    moves: bool = True,
) -> str:
    """The patient-facing rendering of one quoted statement (see the module docstring). The switches
    turn single rules off, for measuring what each one does (bench/bench_readability.py)."""
    lexicon = lexicon or load_lexicon()
    source = strip_markers(text)
    source = drop_asides(source) if asides else source
    if cuts and _TABLE_ROW.match(source.rstrip(". ")):
        parts = [cell for cell in source.split("; ") if cell.strip()]
    else:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", source) if s.strip()]
        parts = []
        for i, s in enumerate(sentences):
            # a next sentence that points back ("This reduces ...") must still follow the instruction
            follows = sentences[i + 1] if i + 1 < len(sentences) else ""
            move = moves and not re.match(r"(?:this|these|that|it|they)\b", follows, re.I)
            parts += cut_clauses(s, moves=move) if cuts else [s]
    rendered = []
    for part in _shared_condition_lists(parts) if lists else parts:
        if isinstance(part, RunInList):
            group = RunInList(lexicon.apply(part.lead), [lexicon.apply(i) for i in part.items], "and")
            rendered.append(lay_out(_capital(group) if words else part))
            continue
        found = find_list(part) if lists and _words(part) > MAX_WORDS else None
        if found is not None:
            if words:
                found = RunInList(
                    lexicon.apply(found.lead), [lexicon.apply(i) for i in found.items], found.conjunction
                )
            rendered.append(lay_out(_capital(found)))
        else:
            rendered.append(_finish(lexicon.apply(part) if words else part))
    return _join(p for p in rendered if p)


def _shared_condition_lists(parts: list[str]) -> list[str | RunInList]:
    """ "If A, do B. If A, do C." (the clauses `_share_condition` cut, each with the condition written
    again) -> the condition once as a lead-in and the clauses as its items: "If A:" "- do B, and" "- do C."
    The clauses were joined by a comma or "and" in the sentence, so "and" joins them here. Not when a
    part pointing back ("This applies when ...", "But ...") follows: it would then seem to cover them all."""
    out: list[str | RunInList] = []
    i = 0
    while i < len(parts):
        m = re.match(r"([^,;:]+), ", parts[i]) if _GOVERNED.match(parts[i]) else None
        lead = m.group(1) if m else None
        j = i + 1
        while lead and j < len(parts) and parts[j].startswith(f"{lead}, "):
            j += 1
        follows = parts[j] if j < len(parts) else ""
        if lead and j - i >= 2 and not follows.startswith(_CONTINUES):
            items = [p[len(lead) + 2 :].rstrip(" .") for p in parts[i:j]]
            out.append(RunInList(lead=lead, items=items, conjunction="and"))
        else:
            out.extend(parts[i:j])
        i = j
    return out


def _capital(found: RunInList) -> RunInList:
    return RunInList(found.lead[:1].upper() + found.lead[1:], found.items, found.conjunction)


def _join(parts: Iterable[str]) -> str:
    """Sentences joined by a space; a sentence after a list starts on its own line."""
    out, after_list = "", False
    for part in parts:
        out += ("\n" if after_list else " ") + part if out else part
        after_list = LIST_ITEM in part
    return out
