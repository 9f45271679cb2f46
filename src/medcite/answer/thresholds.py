"""Match the values a question gives against the thresholds a recommendation states.

Guidelines make advice conditional on a measurement: "if potassium is below 3.5 mmol/L, hold
insulin", "when the ACR is 200 mg/g or more", "30 mg once daily if CrCl 15-50 mL/min". A question
that gives the value ("potassium 3.2 mmol/L") is asking about the branch its value falls in, so
a sentence whose condition the patient meets answers it, and one whose condition the patient does
not meet answers someone else's question. Only the comparison is read here; units are assumed to
match when the names do (sources and questions in one knowledge base use the same units; a value
with an alternative unit in brackets, "250 mg/dL (13.9 mmol/L)", is never the compared number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcite.answer.age import stated_age
from medcite.search.expansion import abbreviation_meanings, synonym_table
from medcite.text.tokens import tokenize

_NUMBER = r"(\d+(?:\.\d+)?)"
# "potassium 3.2", "LDL 95 mg/dL", "eosinophils of 300", "CrCl is 40", "ACR=450"
_QUESTION_VALUE = re.compile(
    rf"\b((?<![Vv]itamin )K\+?|[A-Za-z][A-Za-z0-9+\-]{{1,24}})"
    rf"(?:\s+(?:level|count|of|is|was|at|now|today|here is|locally is|"
    rf"(?:before|pre-?)(?:\s*(?:treatment|insulin|the dose|it|that|then))?(?: was| is)?|"
    rf"(?:has |have )?(?:now |today )?"
    rf"(?:fallen|fell|dropped|drifted|risen|rose|gone|come|increased|decreased|settled|stabili[sz]ed|"
    rf"remained|stayed|stuck)(?: (?:down|up|back))? (?:to|at)))?"
    rf"(?:\s+(?:about|around|approximately|approx\.?|roughly))?"  # "resistance is about 18%"
    rf"\s*(?:=|:|~|≈)?\s*{_NUMBER}(?!\d|/\d|\.\d|:\d)"  # not a time ("glucose at 14:00")
)
_BARE_WEIGHT = re.compile(r"(?:^|[,;(]\s*)(\d{1,3}(?:\.\d)?)\s*kg\b", re.I)
_LATER = re.compile(
    rf"\s*(?:(?!and\b)[a-zA-Zµ]+(?:/[a-zA-Z]+)?\s*)?(?:,\s*|\s+)?(?:and\s+(?:is\s+|was\s+)?)?"
    rf"(?:now|currently|->|→)\s*(?:is\s+|at\s+)?{_NUMBER}"
    rf"(?!\d|/\d|\.\d)",
    re.I,
)
# "creat 142 -> 171", "eGFR fell from 48 to 35": a change the case states, read as a percentage
_CHANGE = re.compile(
    rf"\b([A-Za-z][A-Za-z0-9+\-]{{1,24}})\s+(?:(?:has |have )?(?:rose|risen|went|gone|increased|fell|fallen|"
    rf"dropped|decreased)\s+)?(?:from\s+)?{_NUMBER}\s*(?:[a-zA-Zµ]+(?:/[a-zA-Z]+)?\s*)?(?:->|→|to)\s*{_NUMBER}"
    rf"(?!\d|/\d|\.\d)",
    re.I,
)
_BELOW = r"below|under|less than|lower than|younger than|<|≤|up to"
_ABOVE = r"above|over|more than|greater than|higher than|older than|>|≥|at least"
_UNIT = r"(?:\s*(?:%|[a-zA-Zµ]+(?:/[a-zA-Z0-9.]+)*(?:\s*[a-zA-Z0-9]+)?))?"
_PREFIX_CONDITION = re.compile(rf"\b({_BELOW}|{_ABOVE})\s+{_NUMBER}", re.I)
_SUFFIX_CONDITION = re.compile(
    rf"{_NUMBER}{_UNIT}(?:\s*\([^)]{{1,30}}\))?\s+or\s+(more|higher|above|greater|over|older|less|lower|below|fewer|younger)\b",
    re.I,
)
_RANGE_CONDITION = re.compile(rf"\b(?:between\s+)?{_NUMBER}{_UNIT}\s*(?:-|to|and)\s*{_NUMBER}{_UNIT}", re.I)
_NAME_WINDOW = 48  # characters before a condition in which its measurement is named
_TARGET = re.compile(
    r"\b(?:aim(?:ing)? (?:for|at)|targets?|titrat\w* (?:\w+ ){0,3}?to|goal|keep(?:ing)?|maintain(?:ing)?|"
    r"lower(?:ing)? to)\b",
    re.I,
)


_DOSE_UNITS = frozenset({"mg", "g", "microgram", "mcg", "unit", "iu"})
_UNIT_NAMES = frozenset({"mg", "mcg", "g", "kg", "ml", "l", "unit", "units", "u", "iu", "mmol", "micrograms"})


@dataclass(frozen=True)
class QuestionValue:
    stems: frozenset[str]
    value: float
    unit: str = ""  # "mg", "mmol", "months": "" when none is given


@dataclass(frozen=True)
class Condition:
    start: int
    low: float | None  # value must be >= low (or > low when strict)
    high: float | None
    strict: bool
    unit: str = ""
    age: bool = False  # "younger than 60", "16 or older": about age whatever word comes before
    end: int = 0  # where the comparison ends: "at least 2 recurrences" names what it counts after it


# episodes a case counts ("third bout of C diff", "second recurrence", "3 episodes"); a first episode and
# its recurrences: the third episode is the second recurrence
_EPISODE_WORDS = r"episodes?|bouts?|recurrences?|relapses?"
_ORDINALS = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
}
_ORDINAL_EPISODE = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+(?:[\w-]+\s+){{0,2}}?({_EPISODE_WORDS})\b", re.I)
# "4th lower-leg cellulitis this year", "third UTI since May": the illness itself counted
_ORDINAL_ILLNESS = re.compile(
    rf"\b({'|'.join(_ORDINALS)})\s+(?:[\w-]+\s+){{0,2}}?(\w+itis|UTIs?|infections?|pneumonias?)\b", re.I
)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_EPISODE_COUNT = re.compile(rf"\b(\d|{'|'.join(_NUMBER_WORDS)})\s+(?:[\w-]+\s+)?({_EPISODE_WORDS})\b", re.I)
_COUNTED_AFTER = re.compile(
    rf"\s+(?:[\w-]+\s+){{0,2}}?({_EPISODE_WORDS}|exacerbations?|flares?|attacks?)\b", re.I
)


def _count(word: str) -> int:
    """ "two" or "2" -> 2."""
    return _NUMBER_WORDS.get(word.lower()) or int(word)


EPISODE_STEMS = frozenset(tokenize("episode episodes bout bouts"))
RECURRENCE_STEMS = frozenset(tokenize("recurrence recurrences relapse relapses"))


def _episode_values(question: str) -> list[QuestionValue]:
    """How many episodes (and so recurrences) the case counts."""
    found = (*_ORDINAL_EPISODE.finditer(question), *_EPISODE_COUNT.finditer(question))
    for m in (*found, *_ORDINAL_ILLNESS.finditer(question)):
        word = m.group(1).lower()
        n = _ORDINALS.get(word) or _count(word)
        # "second recurrence", "2 recurrences": 3 episodes; "third bout", "3 episodes": 2 recurrences
        recurrences = n if set(tokenize(m.group(2))) & RECURRENCE_STEMS else n - 1
        episodes = recurrences + 1
        return [
            QuestionValue(EPISODE_STEMS, float(episodes)),
            QuestionValue(RECURRENCE_STEMS, float(recurrences)),
        ]
    return []


_UNIT_WORD = re.compile(r"\s*(%|[a-zA-Zµ]+)")


def unit_after(text: str, end: int) -> str:
    """The unit word right after a number, normalised ("mmol/L" -> "mmol", "months" -> "month")."""
    m = _UNIT_WORD.match(text, end)
    if not m:
        return ""
    word = m.group(1).lower()
    if word in (
        "or",
        "and",
        "to",
        "in",
        "at",
        "on",
        "for",
        "with",
        "x",
        "last",
        "today",
        "yesterday",
        "this",
        # "CrCl 48 from lupus nephritis", "K 5.9 despite ...": a word that goes on the sentence
        "from",
        "due",
        "despite",
        "after",
        "since",
        "but",
        "so",
        "because",
    ):
        return ""
    word = word[:-1] if word.endswith("s") and len(word) > 3 else word
    return _UNIT_SPELLINGS.get(word, word)


_UNIT_SPELLINGS = {
    "umol": "micromol",
    "µmol": "micromol",
    "μmol": "micromol",
    "mcg": "microgram",
    "ug": "microgram",
}
# (measurement stems, size, unit below it, unit above it): a value given without its unit is in the unit
# its size fits ("glucose 6.8" is mmol/L, not mg/dL; "creatinine 171" is micromol/L)
_UNIT_BY_SIZE = [
    (frozenset(tokenize("glucose")), 40.0, "mmol", "mg"),
    (frozenset(tokenize("creatinine")), 20.0, "mg", "micromol"),
    (frozenset(tokenize("cholesterol ldl hdl triglycerides")), 20.0, "mmol", "mg"),
]


_CLEARANCE = frozenset(tokenize("clearance crcl egfr gfr"))


def _implied_unit(stems: frozenset[str], value: float, unit: str) -> str:
    if unit or stems & _CLEARANCE:  # a creatinine clearance of 24 is in mL/min, not a creatinine
        return unit
    for names, size, small, large in _UNIT_BY_SIZE:
        if stems & names:
            return small if value < size else large
    return unit


def same_unit(a: str, b: str) -> bool:
    return not a or not b or a == b


def _compares(value: QuestionValue, condition_unit: str) -> bool:
    """Whether a condition in this unit is about this value: an age is read in the condition's unit,
    and in years when the condition gives none."""
    if value.stems == AGE_STEMS:
        if condition_unit in _MEASURE_UNITS or condition_unit in _COUNT_UNITS:
            # "children over 12 kg" is a condition on weight, "people with 3-4 episodes" on a count
            return False
        return value.unit == (condition_unit if condition_unit in _AGE_UNITS else "year")
    return same_unit(value.unit, condition_unit)


AGE_STEMS = frozenset(tokenize("age aged years adults older people children child infants babies"))
_AGE_UNITS = ("year", "month", "week", "day")
_COUNT_UNITS = frozenset({"episode", "recurrence", "relapse", "bout", "attack", "flare", "exacerbation"})
_MEASURE_UNITS = frozenset(
    {"kg", "g", "mg", "mcg", "microgram", "ml", "l", "mmol", "cm", "m", "%", "unit", "iu"}
)


# "K 3.0", "BM 5.1", "weighs 57 kg": what clinicians write for the measurement sources name in words (not
# abbreviations for search, where "vitamin K" would become potassium and "3 BMs a day" glucose)
_VALUE_NAMES = {
    "K": "potassium",
    "BM": "glucose",
    "CBG": "glucose",
    "sugar": "glucose",
    "Sugar": "glucose",
    "weighs": "weight",
    "weighing": "weight",
    "wt": "weight",
    "creat": "creatinine",
    "Cr": "creatinine",
    "eos": "eosinophils",
    "Eos": "eosinophils",
    "neuts": "neutrophils",
    "Neuts": "neutrophils",
}
_CELL_COUNTS = frozenset(tokenize("eosinophils neutrophils lymphocytes"))


def _in_condition_unit(value: QuestionValue, condition: Condition) -> float:
    """A blood count written as clinicians do ("eos 0.35", in 10^9/L) read against a condition in cells
    per microlitre ("300 cells/microlitre or more"): 0.35 x 10^9/L is 350 cells/microlitre."""
    if condition.unit == "cell" and value.stems & _CELL_COUNTS and not value.unit and value.value < 50:
        return value.value * 1000
    return value.value


def question_values(question: str) -> list[QuestionValue]:
    """Named measurements the question gives, with the stems of their name and its meanings; the
    patient's age counts as one ("adults under 65" is a condition on it)."""
    out = []
    age = stated_age(question)
    if age:
        # in each unit an age condition may use: "children 3 months or older" is read in months, "adults
        # under 65" (no unit) in years
        out += [QuestionValue(AGE_STEMS, age.in_unit(unit), unit) for unit in _AGE_UNITS]
    for m in _QUESTION_VALUE.finditer(question):
        if m.group(1).lower() in _UNIT_NAMES:
            continue  # "30 mg at 09:00": a dose's unit names no measurement
        if m.group(1).lower() in _SCHEDULE_POINTS:
            continue  # "1 mg bd from day 8", "cycle 3": a point in a schedule (`elapsed` reads times)
        if stems := _name_stems(m.group(1)):
            # "BM 2.4, now 6.8", "creat 142 -> 171": the value now is the one the advice is for
            later = _LATER.match(question, m.end())
            value = float(later.group(1)) if later else float(m.group(2))
            unit = _implied_unit(stems, value, unit_after(question, m.end()))
            out.append(QuestionValue(stems, value, unit))
    out += _episode_values(question)
    # "82-year-old woman, 55 kg": a weight stated on its own
    for m in _BARE_WEIGHT.finditer(question):
        out.append(QuestionValue(frozenset(tokenize("weight")), float(m.group(1)), "kg"))
    # after the values themselves, so that a condition in % ("rises by more than 30%") that names the
    # measurement reads the change rather than the value
    for m in _CHANGE.finditer(question):
        before, after = float(m.group(2)), float(m.group(3))
        if (stems := _name_stems(m.group(1))) and not stems & AGE_STEMS and before > 0:
            out.append(QuestionValue(stems, round(abs(after - before) / before * 100, 1), "%"))
    return out


_SCHEDULE_POINTS = frozenset({"day", "days", "week", "weeks", "cycle", "cycles", "step", "steps", "visit"})


def _name_stems(name: str) -> frozenset[str]:
    """The stems of a measurement's name with its meanings: "ACR" is what sources call albuminuria."""
    stems = set(tokenize(name)) | set(tokenize(_VALUE_NAMES.get(name.rstrip("+"), "")))
    for meaning in abbreviation_meanings(name) or abbreviation_meanings(name.upper()):
        stems |= set(tokenize(meaning))
    for synonym in synonym_table().get(name.lower(), ()):
        stems |= set(tokenize(synonym))
    return frozenset(s for s in stems if not s.isdigit() and len(s) > 1)


# (measurement stems, below or above, limit, what the value means): the words sources use for it
_FINDINGS: list[tuple[frozenset[str], str, float, str]] = [
    (frozenset(tokenize("egfr crcl creatinine clearance")), "<", 60, "renal impairment kidney disease CKD"),
    (frozenset(tokenize("egfr crcl creatinine clearance")), "<", 30, "severe renal impairment"),
    (frozenset(tokenize("bp systolic")), "<", 90, "hypotension shock"),
    (frozenset(tokenize("platelets platelet")), "<", 50, "thrombocytopenia"),
]


def derived_findings(values: list[QuestionValue]) -> list[str]:
    """What the patient's values mean in a source's words: eGFR 22 is renal impairment, a systolic
    BP of 84 hypotension; lets "in renal impairment, seek advice" be read against "eGFR 22"."""
    out = []
    for stems, op, limit, words in _FINDINGS:
        for v in values:
            if v.stems & stems and (v.value < limit if op == "<" else v.value > limit):
                out.append(words)
                break
    return out


_SPELLED_COUNT = re.compile(
    rf"\b(at least\s+)({'|'.join(_NUMBER_WORDS)})\b|\b({'|'.join(_NUMBER_WORDS)})(?=\s+or more\b)", re.I
)


def _in_digits(sentence: str) -> str:
    """ "at least two recurrences (three or more episodes)" -> "at least 2 ... (3 or more ...)"."""
    return _SPELLED_COUNT.sub(
        lambda m: (m.group(1) or "") + str(_NUMBER_WORDS[(m.group(2) or m.group(3)).lower()]), sentence
    )


def conditions(sentence: str) -> list[Condition]:
    """Every "below N", "N or more", "N-M" comparison in a sentence (counts spelled out included)."""
    sentence = _in_digits(sentence)
    out = []
    for m in _PREFIX_CONDITION.finditer(sentence):
        op, number = m.group(1).lower(), float(m.group(2))
        below = bool(re.fullmatch(_BELOW, op, re.I))
        strict = op not in ("≤", "≥", "up to", "at least")
        unit = unit_after(sentence, m.end())
        age = op in ("younger than", "older than")
        out.append(
            Condition(
                m.start(), None if below else number, number if below else None, strict, unit, age, m.end()
            )
        )
    for m in _SUFFIX_CONDITION.finditer(sentence):
        number, word = float(m.group(1)), m.group(2).lower()
        below = word in ("less", "lower", "below", "fewer", "younger")
        unit = unit_after(sentence, m.end(1))
        age = word in ("older", "younger")
        out.append(
            Condition(
                m.start(), None if below else number, number if below else None, False, unit, age, m.end()
            )
        )
    for m in _RANGE_CONDITION.finditer(sentence):
        low, high = float(m.group(1)), float(m.group(2))
        unit = unit_after(sentence, m.end(2))
        if low < high and unit not in _DOSE_UNITS:
            # "hydrocortisone 15-25 mg a day" is a dose to give, not a condition on the patient's dose
            out.append(Condition(m.start(), low, high, False, unit, end=m.end()))
    return out


def _meets(condition: Condition, value: float) -> bool:
    if condition.low is not None and (value < condition.low or (condition.strict and value == condition.low)):
        return False
    return not (
        condition.high is not None
        and (value > condition.high or (condition.strict and value == condition.high))
    )


# "2.5 mg twice daily if at least 2 of: age 80 or more, weight 60 kg or less, creatinine 1.5 or more"
_AT_LEAST_OF = re.compile(r"\bat least (two|three|2|3) of\b", re.I)
_THOSE = re.compile(r"\bthose\b", re.I)
# "continue unless creatinine rises by more than 30%": the advice is for those who do not meet it
_UNLESS = re.compile(r"\bunless\b", re.I)
# "stop it if potassium cannot be kept below 5.5": met by those above it
_NOT_KEPT = re.compile(
    r"\b(?:cannot|can't|could not|is not|are not|not) (?:be )?(?:kept|maintained|held|stay|remain)\s*$", re.I
)


def threshold_fit(sentence: str, values: list[QuestionValue]) -> float:
    """+1 when each of the patient's values the sentence sets conditions on meets one of them, -1
    when one meets none, 0 when the sentence sets no condition on a value the question gives."""
    if not values:
        return 0
    sentence = _in_digits(sentence)
    # per measurement: a sentence can state branches ("if below 3.5, hold insulin; once between 3.5
    # and 5.0, add potassium"), and a patient meeting one of them is who the sentence is about
    verdicts: dict[int, bool] = {}
    infant_bands: set[int] = set()  # ages met by an upper bound in months, weeks or days
    # an adult's age met by a band that singles people out ("those over 70", "people under 30")
    singled: set[int] = set()
    listed = _AT_LEAST_OF.search(sentence)
    found: dict[int, bool] = {}  # values read by the "at least 2 of" list's conditions, met or not
    in_list = 0  # conditions in that list
    for condition in conditions(sentence):
        after_list = listed is not None and condition.start >= listed.end()
        in_list += after_list
        window = sentence[max(0, condition.start - _NAME_WINDOW) : condition.start]
        if _TARGET.search(window):
            continue  # "titrate to a serum urate below 6": a target to reach, not who the advice is for
        # the measurement named closest before the condition: "potassium and albuminuria of 30"
        # is a condition on albuminuria
        nearest: dict[int, int] = {}
        for pos, word in enumerate(re.findall(r"[A-Za-z][A-Za-z0-9+-]*", window)):
            # "CrCl" in the source, "creatinine clearance" in the question
            stems = set(tokenize(" ".join((word, *abbreviation_meanings(word)))))
            for i, v in enumerate(values):
                if v.stems & stems and _compares(v, condition.unit):
                    nearest[i] = pos
        counted = _COUNTED_AFTER.match(sentence, condition.end) if not nearest else None
        if counted:  # "at least 2 recurrences": what is counted follows the number
            stems = set(tokenize(counted.group(1)))
            nearest = {i: 0 for i, v in enumerate(values) if v.stems & stems and not v.unit}
        if not nearest and condition.unit and not condition.age:
            # "3-4 episodes a year": the unit is what is counted
            unit_stems = set(tokenize(condition.unit))
            nearest = {i: 0 for i, v in enumerate(values) if v.stems & unit_stems and not v.unit}
        if condition.age and not nearest:
            nearest = {
                i: 0 for i, v in enumerate(values) if v.stems == AGE_STEMS and _compares(v, condition.unit)
            }
        if nearest:
            i = max(nearest, key=lambda k: (nearest[k], k))
            met = _meets(condition, _in_condition_unit(values[i], condition)) != bool(
                _UNLESS.search(window) or _NOT_KEPT.search(window)
            )
            if after_list:
                found[i] = found.get(i, False) or met
                continue
            verdicts[i] = verdicts.get(i, False) or met
            if met and condition.high is not None and values[i].unit in _AGE_UNITS[1:]:
                infant_bands.add(i)
            if met and _singles_out(condition, values[i]):
                singled.add(i)
    if listed and found:
        needed = _count(listed.group(1))
        if sum(found.values()) >= needed:
            verdicts.update(dict.fromkeys(found, True))
        elif len(found) == in_list:  # every listed condition read, too few met
            verdicts.update(dict.fromkeys(found, False))
    if not verdicts:
        return 0
    if len(_THOSE.findall(sentence)) >= 2 and any(verdicts.values()):
        # "in people aged 65 or over, those taking interacting drugs, ... and those whose last level was
        # 0.8 or higher": groups the advice is for, of which the patient need be in one
        verdicts = {i: met for i, met in verdicts.items() if met}
    if not all(verdicts.values()):
        return -1
    # an age met ("adults over 12" for a 28-year-old) says less than a measurement met, unless its band
    # singles the patient out: an infant's ("babies under 3 months" for a 10-week-old), an older adult's
    # ("those over 70" for a 76-year-old) or a young adult's ("people under 30" for a 23-year-old)
    ages = [i for i in verdicts if values[i].stems == AGE_STEMS]
    return 0.5 if len(ages) == len(verdicts) and not (infant_bands | singled) & set(ages) else 1


def _singles_out(condition: Condition, value: QuestionValue) -> bool:
    """An adult's age band that most adults are outside: from 60 years up, or up to 40 at most."""
    if value.stems != AGE_STEMS or value.unit != "year" or value.value < 18:
        return False
    return (condition.low is not None and condition.low >= 60) or (
        condition.high is not None and 18 < condition.high <= 40
    )


_NEGATED = re.compile(
    r"\b(?:without|no|not|non-|free of)\s*((?:[a-z][a-z0-9-]+)(?:\s+(?!and\b|or\b|but\b)[a-z][a-z0-9-]+)?)",
    re.I,
)
_NEGATION_BEFORE = re.compile(r"\b(?:without|no|not|non-|free of|absence of)\s*(?:[a-z0-9-]+\s+){0,2}$", re.I)


def negated_terms(question: str) -> list[frozenset[str]]:
    """What the question says the patient does not have: "without diabetes", "no comorbidities"."""
    out = []
    for m in _NEGATED.finditer(question):
        stems = frozenset(s for s in tokenize(m.group(1)) if len(s) > 2)
        if stems:
            out.append(stems)
    return out


def negation_fit(sentence: str, negated: list[frozenset[str]]) -> int:
    """-1 when the sentence is about people who have what the patient does not ("in type 2
    diabetes" for a patient without diabetes), +1 when it names its absence too, else 0."""
    verdict = 0
    words = [(m.start(), set(tokenize(m.group(0)))) for m in re.finditer(r"[A-Za-z][A-Za-z0-9-]*", sentence)]
    for stems in negated:
        found = [start for start, word in words if word & stems]
        if not stems <= {s for _, word in words for s in word} or not found:
            continue  # "no penicillin allergy" is about allergy: a sentence on penicillin is not
        if _NEGATION_BEFORE.search(sentence[: found[0]]):
            verdict = max(verdict, 1)
        else:
            return -1
    return verdict
