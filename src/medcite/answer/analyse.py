"""Question analysis: normalise, expand abbreviations, extract the facts a question states.

The facts fill the Assessment section in MedCite's own words and steer retrieval. Everything
here is pattern-based and deterministic; a fact the patterns miss is simply not reported
(the answer still comes from the sources, never from these guesses).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from medcite.answer.age import stated_age
from medcite.answer.drugs import DrugMention, find_drugs, is_drug_word
from medcite.answer.implied import (
    CANCER_ORGANS,
    NOT_PREGNANT,
    PREGNANT,
    condition_from_labs,
    derived_conditions,
    status_epilepticus,
)
from medcite.answer.intent import classify_intent
from medcite.answer.schema import DoseFact, Facts, Intent, LabFact, ScoreFact, TreatmentFact
from medcite.safety.phi import scrub_identifiers
from medcite.safety.redflags import RedFlag, detect_red_flags
from medcite.search.expansion import abbreviation_meanings, expand_query, states_pregnancy
from medcite.text.tokens import STOPWORDS

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty": 20,
    "several": None,
    "few": None,
}
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(k for k in _NUMBER_WORDS if _NUMBER_WORDS[k]) + r")"
_UNIT_TIME = r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)"
_INTERVAL = rf"(?:{_NUM})\s*-?\s*{_UNIT_TIME}"

_SCORE_TREND = re.compile(
    r"(?P<verb>fell|fallen|falling|dropped|dropping|decreased|decreasing|declined|declining|reduced|"
    r"went down|"
    r"came down|improved|improving|rose|risen|rising|increased|increasing|went up|climbed|worsened|worsening|"
    r"deteriorated|changed|moved|went|going)?\s*"
    r"from\s+(?P<a>\d+(?:\.\d+)?)(?:\s*/\s*(?P<am>\d+))?\s*(?P<u1>%|[a-zA-Z/µ.\d]+)?\s*"
    r"(?:to|->|→)\s+(?P<b>\d+(?:\.\d+)?)(?:\s*/\s*(?P<bm>\d+))?\s*(?P<u2>%|mmol/mol|mmol/l|mg/dl|mg/l|"
    r"mmhg|ml/min(?:/1\.73\s?m2)?|points?)?"
    rf"(?:\s*(?:over|in|within|during|across|after)\s+(?:the\s+)?(?:past\s+|last\s+)?"
    rf"(?P<int>{_INTERVAL}|(?<=past )(?:year|month|week|day)|(?<=last )(?:year|month|week|day)))?",
    re.I,
)
_LAB_NAMES = (
    r"hba1c|a1c|haemoglobin a1c|hemoglobin a1c|egfr|crcl|creatinine clearance|creatinine|potassium|sodium|"
    r"crp|c-reactive protein|esr|"
    r"ldl(?:-c| cholesterol)?|hdl(?:-c)?|total cholesterol|cholesterol|triglycerides|"
    r"haemoglobin|hemoglobin|hb|"
    r"platelets?|plts?|wbc|white cell count|neutrophils|alt|ast|bilirubin|inr|tsh|free t4|troponin|bnp|"
    r"nt-probnp|glucose|blood sugar|cbg|bms?|ferritin|albumin|blood pressure|bp|heart rate|hr|pulse|"
    r"temperature|temp|"
    r"spo2|oxygen saturation|sats|bmi|weight|das28|uric acid|urate|vitamin d|magnesium|calcium|lactate|psa|"
    r"anc|neuts|t|ph|bhb|beta-hydroxybutyrate|ketones|bicarbonate|bicarb|hco3|"
    r"fev1|qtc|urine acr|acr|respiratory rate|rr|wcc|phosphate|lithium level|digoxin level|k\+?|na\+?"
)
_LAB_UNITS = (
    r"%|mmol/mol|mmol/l|mg/dl|mg/l|g/l|g/dl|µmol/l|umol/l|micromol/l|ml/min/1\.73\s?m2|ml/min/1\.73m²|"
    r"ml/min|mmhg|bpm|/min|iu/l|u/l|ng/ml|ng/l|pg/ml|x10\^?9/l|×10⁹/l|mu/l|miu/l|kg/m2|kg/m²|kg|ms|°c|"
    r"meq/l|mg/mmol|mm/h(?:r)?|c\b"
)
_LAB = re.compile(
    rf"\b(?P<name>{_LAB_NAMES})(?!\w)\s*(?:level\s*|levels\s*)?(?:is\s+|was\s+|of\s+|at\s+|now\s+|=\s*|:\s*)?"
    rf"(?P<value>\d+(?:\.\d+)?(?:/\d+)?)\s*(?P<unit>{_LAB_UNITS})?",
    re.I,
)
_DOSE_UNITS = r"mg/kg|mcg/kg|micrograms?|mg|mcg|µg|ug|g|units?|iu|ml|mmol"
_FREQ = (
    r"once daily|twice daily|three times daily|four times daily|once weekly|twice weekly|daily|weekly|"
    r"monthly|every \d+ (?:hours|days|weeks|months)|every (?:other )?(?:day|week|month)|bd|bid|tds|tid|"
    r"qds|qid|od|nocte|at night|per day|/day|a day|a week|per week|/week|q\d+h"
)
_DOSE = re.compile(
    rf"(?P<amount>\d+(?:\.\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?)\s*(?P<unit>{_DOSE_UNITS})\b"
    rf"(?:\s+(?:orally\s+|subcutaneously\s+|iv\s+|po\s+|sc\s+)?(?P<freq>{_FREQ})\b)?",
    re.I,
)
_DURATION = re.compile(
    rf"\b(?:for|over|after|since|within|past|last|lasting)\s+(?:the\s+)?(?:past\s+|last\s+)?"
    rf"(?P<d>{_INTERVAL})\b|"
    rf"\b(?P<d2>{_NUM})[- ](?P<u>day|week|month|year)[- ](?:history|course|trial|period)",
    re.I,
)
_FEMALE = re.compile(r"\b(?:woman|women|female|girl|lady|she|her|mother|pregnan\w*|postmenopausal)\b", re.I)
_MALE = re.compile(r"\b(?:man|men|male|boy|gentleman|he|his|him)\b", re.I)
# not "lactate 1.6" (a lab) nor "nursing home" (where someone lives)
_BREASTFEEDING = re.compile(
    r"breast-?\s?feed\w*|\blactat(?:ing|ion)\b|\bnursing\b(?!\s+(?:home|facility|staff|care|team|notes?))",
    re.I,
)
_INADEQUATE = re.compile(
    r"despite|inadequate(?:ly)?|insufficient(?:ly)? (?:response|controlled)|not (?:responding|controlled|"
    r"improving|working)|refractory|failed|failure of|no response|non-?respon|uncontrolled|poorly controlled|"
    r"persistent(?:ly)?|worsen\w*|deteriorat\w*|flare\w*|no improvement|partial response|"
    r"still (?!(?:on|taking|takes|using|uses|wants?|prefers?|needs?|the|a|an|in|at|with|to|be|being|able|"
    r"breastfeeding|pregnant)\b)\w|not helped|(?:has|have) not helped|\bfails\b|"
    r"(?:did not|didn't|does not|doesn't) (?:help|work)|"
    r"(?:cannot|can't|could not|unable to) tolerate|not tolerated|intoleran\w*",
    re.I,
)

# Cues before a drug name: (pattern ending just before the drug list, status, response)
_CUES: list[tuple[re.Pattern[str], str, str]] = [
    # "her friend got Descovy": someone else's drug, not the patient's (status "other": not recorded)
    (
        re.compile(
            r"\b(?:friend|partner|husband|wife|boyfriend|girlfriend|mum|mother|dad|father|brother|sister|"
            r"son|daughter|colleague|flatmate|roommate|neighbou?r)(?:'s)?\s+(?:\w+\s+)?"
            r"(?:got|gets|takes|took|is on|was on|was given|uses|used|has|had|was prescribed)\s+$",
            re.I,
        ),
        "other",
        "unknown",
    ),
    (re.compile(r"(?:responded|responds|response)(?:\s+\w+){0,2}\s+to\s+$", re.I), "previous", "responded"),
    (
        re.compile(
            r"(?:did not tolerate|intoleran\w* (?:of|to)|side effects (?:from|on|of)|allergic to|"
            r"stopped .{0,30}(?:because|due to))\s+$",
            re.I,
        ),
        "previous",
        "intolerant",
    ),
    (
        re.compile(
            r"(?:failed|failure of|no response to|not respond\w* to|inadequate response to|"
            r"refractory to|resistant to)\s+(?:a trial of\s+|treatment with\s+)?$",
            re.I,
        ),
        "previous",
        "inadequate",
    ),
    (
        re.compile(r"despite\s+(?:treatment with\s+|taking\s+|being on\s+|maximal\s+|maximum\s+)?$", re.I),
        "current",
        "inadequate",
    ),
    (
        re.compile(
            r"(?:after|previously (?:on|took|taken|received|tried|treated with)|prior|previous|tried|"
            r"stopped|discontinued|history of|used to take|was on|were on|had)\s+(?:a course of\s+|"
            r"treatment with\s+)?$"
            # "just finished 10 units Actrapid", "finished her nitrofurantoin": given and done
            r"|(?:just )?(?:finished|completed)(?:\s+(?:his|her|the))?\s+(?:a course of\s+)?"
            r"(?:\d[\d.]*\s*(?:mg|mcg|micrograms?|g|units?|u|iu)\s+(?:of\s+)?)?$",
            re.I,
        ),
        "previous",
        "unknown",
    ),
    (
        re.compile(
            r"(?:\bon|taking|receiving|treated with|using|currently on|maintained on|started on|"
            r"already on|now on|prescribed|stable on|gave|given|was given|has been given|received|got|giving|"
            # "just pushed actrapid 10 units", "bolused 500 ml": given by the person asking
            r"pushed|bolused|injected|"
            # "BP tablets are HCTZ 25 mg and amlodipine 5 mg", "meds: ramipril, atorvastatin"
            r"(?:tablets|meds|medications|medicines|drugs|regimen)\s*(?:are|is|include|includes|:)|"
            # "about to run 10 u Actrapid": given in a moment
            # "glucose 5.4 before the Actrapid": the drug given just after
            r"administered|had|about to (?:give|run|start|put up|hang)|before the"
            # "I uptitrated ramipril 5 -> 10 mg", "upped his sertraline": a dose changed is a drug taken
            r"|(?:up-?)?titrated(?: up)?(?: (?:the|his|her|their))?|(?:increased|upped|doubled|bumped up)"
            r" (?:the|his|her|their))\s+"
            # "on a thiazide", "on her usual levothyroxine"
            r"(?:(?:a|an|the|his|her|their)\s+)?(?:usual\s+|regular\s+)?"
            r"(?:maximal\s+|maximum\s+|high-dose\s+|low-dose\s+)?"
            # "given 10 u Actrapid": the dose may come before the drug ("had 10 units of Actrapid" is a dose
            # given; "had insulin", with no dose, is read as past treatment above)
            r"(?:\d[\d.]*\s*(?:mg|mcg|micrograms?|g|units?|u|iu)\s+(?:of\s+)?)?$",
            re.I,
        ),
        "current",
        "unknown",
    ),
]
_LIST_JOINER = re.compile(
    # "dexamethasone and nebulised adrenaline": a route or form word may come between
    # "gave calcium gluconate and 10 units Actrapid": a salt, and a dose before the next drug
    # ("sacubitril/valsartan": a combination)
    r"^\s*(?:(?:gluconate|chloride|carbonate|sulfate|sulphate|phosphate)\s*)?(?:,|and|plus|with|\+|&|or|/)\s*"
    r"(?:,|and)?\s*(?:(?:nebuli[sz]ed|oral|IV|intravenous|IM|intramuscular|"
    r"inhaled|topical|subcutaneous|SC|PO|high-dose|low-dose|an?)\s+)*"
    r"(?:\d[\d.]*\s*(?:mg|mcg|micrograms?|g|units?|u|iu)\s+(?:of\s+)?)?$|^\s*\d[\d.\s]*\s*(?:mg|mcg|g|"
    r"units?)\b[^,.;]{0,20}(?:,|and|plus)?\s*$"
    # "amlodipine 10, ramipril 10, indapamide 2.5": a dose without its unit
    # "Entresto 49/51 bd, bisoprolol 5": a combination's doses too
    r"|^\s*\d+(?:[./]\d+)?(?:\s+(?:od|bd|tds|qds|bid|tid|qid|daily|nocte|mane))?\s*(?:,|and|plus|\+|&)\s*"
    r"(?:and\s*)?$",
    re.I,
)

_CONDITION_CUES = re.compile(
    r"\b(?:diagnosed with|diagnosis of|known|history of|suffering from|patients? with|man with|woman with|"
    r"child with|adults? with|people with|someone with|with|has|have|having|for|of|in)\s+",
    re.I,
)
_CONDITION_STOP = re.compile(
    r"\s+(?:whose|who|which|that|on|taking|despite|after|treated|currently|is|was|are|were|has|had|with|"
    r"over|from|and (?:is|was|has|on)|but|since|because|when|while|at|if|to|receiving|presenting|"
    r"requiring|in|be|should|can|could|will|would|need|needs)\b|[,.;:?()!]",
    re.I,
)
_GENERIC = frozenset(
    """
    a an the patient patients adult adults man woman men women child children person people someone
    pregnant pregnancy elderly older young year years old treatment treatments therapy management dose
    dosing doses next best first second step line choice option options this that these it his her their
    my our inadequate response new newly known history use score mg weeks months days how what which
    monitoring follow-up side effects risk level levels drug drugs medication medications terms general
    practice primary care adolescents age clinic hospital setting order addition abx antibiotic antibiotics
    """.split()
)


@dataclass
class Analysis:
    """Everything the rest of the pipeline needs to know about a question."""

    question: str  # identifiers removed
    normalised: str
    intent: Intent
    facts: Facts
    red_flags: list[RedFlag]
    identifiers_removed: dict[str, int]
    expansions: tuple[str, ...] = ()
    glossary: dict[str, str] = field(default_factory=dict)
    # conditions the case implies without naming them (`derived_conditions`): retrieval, the topic
    # choice and the answerability check read them too
    implied_conditions: tuple[str, ...] = ()

    @property
    def age_group(self) -> str | None:
        """ "child" or "adult" when the question says which (`age_group`), else None."""
        return age_group(self.question, self.facts.age)


_CHILD_WORDS = re.compile(
    r"p(?:a)?ediatric|\bchild|\bboy\b|\bgirl\b|adolescen|infant|neonat|newborn|toddler|\bbaby\b|"
    r"\b\d+[- ](?:day|week|month)s?[- ]old\b",
    re.I,
)
# the patient is the mother (not "born at 34 weeks' gestation", which is about a baby)
# "hives with amoxicillin as a child": the patient's past, not a child now
_CHILDHOOD = re.compile(
    r"\b(?:as|when (?:she|he|they) (?:was|were))\s+an?\s+(?:child|kid|baby|toddler|teenager|infant)\b"
    r"|\bin (?:early )?childhood\b",
    re.I,
)
_MOTHER = re.compile(r"\bpregnan\w*|\btrimester\b|\bpost-?partum\b", re.I)
_ADULT_WORDS = re.compile(r"\b(?:adult|man|woman|gentleman|lady|\d{2}\s?[MF])\b", re.I)


_NAMES_CHILDREN = re.compile(
    r"\b(?:children|child|infants?|neonates?|newborns?|babies|toddlers|adolescents|young people|"
    r"paediatric|pediatric)\b",
    re.I,
)
_NAMES_ADULTS = re.compile(r"\b(?:adults?|women|men|pregnancy|pregnant)\b", re.I)


def named_age_group(text: str) -> str | None:
    """The age group a source's title or sentence is for: "child" for "... in infants and children",
    "adult" for "... in adults" (or women, men, pregnancy), None when it names both or neither."""
    children, adults = bool(_NAMES_CHILDREN.search(text)), bool(_NAMES_ADULTS.search(text))
    if children == adults:
        return None
    return "child" if children else "adult"


def age_group(question: str, age: int | None) -> str | None:
    """ "child" under 18 (or "4-month-old", "toddler"), "adult" at 18 or over (or "woman", "68M"), None
    when the question does not say: sentences for the other group then answer someone else."""
    if age is not None:
        return "child" if age < 18 else "adult"
    if _MOTHER.search(question) or _BREASTFEEDING.search(question) or states_pregnancy(question):
        return "adult"  # the patient is the mother, whatever the baby's age ("booking bloods at 14/40")
    if _CHILD_WORDS.search(_CHILDHOOD.sub(" ", question)):
        return "child"
    return "adult" if _ADULT_WORDS.search(question) else None


def normalise(text: str) -> str:
    """Unicode NFKC, unified dashes and arrows, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("–", "-").replace("—", "-").replace("−", "-").replace("→", "->")
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("µg", "mcg")
    return " ".join(text.split())


def analyse_question(question: str) -> Analysis:
    """Scrub identifiers first, then read facts, red flags and intent from what is left."""
    scrubbed = scrub_identifiers(question)
    text = normalise(scrubbed.text)
    facts = extract_facts(text)
    intent = classify_intent(text, has_treatment=bool(facts.current_treatments))
    expansion = expand_query(text)
    implied = tuple(derived_conditions(text, facts.labs))
    return Analysis(
        question=text,
        normalised=text,
        intent=intent,
        facts=facts,
        red_flags=detect_red_flags(text, implied),
        identifiers_removed=scrubbed.found,
        expansions=expansion.added,
        glossary=_glossary(text),
        implied_conditions=implied,
    )


def _glossary(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for word in sorted(set(re.findall(r"\b[A-Z][A-Za-z0-9\-]{1,7}\b", text))):
        meanings = abbreviation_meanings(word)
        if meanings and word.upper() == word:
            out[word] = " / ".join(meanings)
    return out


def extract_facts(text: str) -> Facts:
    scores, score_spans = _scores(text)
    drugs = find_drugs(text)
    treatments = _treatments(text, drugs)
    age, sex_from_age = _age(text)
    pregnant = bool(PREGNANT.search(text)) and not NOT_PREGNANT.search(text)
    if NOT_PREGNANT.search(text) and re.search(r"\b(?:not|non-?|isn't|is not)\s*pregnant", text, re.I):
        pregnant_value: bool | None = False
    else:
        pregnant_value = True if pregnant else None
    sex: Literal["female", "male"] | None = sex_from_age or _sex(text)
    if pregnant_value:
        sex = "female"
    labs = _labs(text, score_spans)
    return Facts(
        condition=_condition(text, drugs) or condition_from_labs(labs),
        age=age,
        sex=sex,
        pregnant=pregnant_value,
        breastfeeding=True if _BREASTFEEDING.search(text) else None,
        scores=scores,
        labs=labs,
        doses=_doses(text, drugs),
        durations=_durations(text, score_spans),
        treatments=treatments,
        drugs_mentioned=list(dict.fromkeys(d.name for d in drugs)),
        inadequate_response=bool(_INADEQUATE.search(text))
        or any(t.response == "inadequate" for t in treatments),
    )


def _number(token: str) -> float:
    token = token.lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token] or 0)
    return float(token)


def _interval(raw: str | None) -> str | None:
    if not raw:
        return None
    m = re.match(rf"({_NUM})\s*-?\s*({_UNIT_TIME})", raw.strip(), re.I)
    if not m:
        return (
            f"1 {raw.strip().lower()}"
            if raw.strip().lower() in ("year", "month", "week", "day")
            else raw.strip()
        )
    n = _number(m.group(1))
    unit = m.group(2).lower()
    unit = {
        "hr": "hour",
        "hrs": "hour",
        "wk": "week",
        "wks": "week",
        "mo": "month",
        "mos": "month",
        "yr": "year",
        "yrs": "year",
    }.get(unit, unit.rstrip("s"))
    count = int(n) if n == int(n) else n
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _scores(text: str) -> tuple[list[ScoreFact], list[tuple[int, int]]]:
    facts: list[ScoreFact] = []
    spans: list[tuple[int, int]] = []
    for m in _SCORE_TREND.finditer(text):
        a, b = float(m.group("a")), float(m.group("b"))
        scale = m.group("am") or m.group("bm")
        if m.group("verb") is None and not scale and not m.group("u1") and not m.group("int"):
            continue  # "from 2 to 3" alone is too vague to be a finding
        start = m.start("verb") if m.group("verb") else m.start()
        trend: Literal["falling", "rising", "unchanged"] = (
            "falling" if b < a else "rising" if b > a else "unchanged"
        )
        unit = (m.group("u2") or m.group("u1") or "").strip() or None
        name = _score_name(text[:start])
        if unit and not re.fullmatch(r"%|[a-zA-Zµ]+/[a-zA-Z0-9./]+|mmhg|points?", unit, re.I):
            unit = None
        facts.append(
            ScoreFact(
                name=name,
                start=a,
                end=b,
                scale_max=float(scale) if scale else None,
                unit=unit,
                trend=trend,
                interval=_interval(m.group("int")),
                text=text[start : m.end()].strip(),
            )
        )
        spans.append((max(0, start - 40), m.end()))
    return facts, spans


_NAME_SKIP = frozenset(
    "whose who which that his her their the a an has have had and with score scores level levels total "
    "patient's patient has been".split()
)


def _score_name(before: str) -> str | None:
    words = re.findall(r"[A-Za-z0-9][\w\-/']*", before[-60:])
    picked: list[str] = []
    for word in reversed(words):
        low = word.lower()
        if low in ("score", "scores", "level", "levels", "total", "count"):
            picked.insert(0, word)
            continue
        if low in _NAME_SKIP or is_drug_word(word) or len(picked) >= 3:
            break
        picked.insert(0, word)
        if word.isupper() or re.search(r"\d|-", word):
            break
    name = " ".join(picked).strip()
    return name or None


def _labs(text: str, skip: list[tuple[int, int]]) -> list[LabFact]:
    out: list[LabFact] = []
    for m in _LAB.finditer(text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        name = m.group("name")
        unit = m.group("unit")
        value = m.group("value")
        if name.lower() in ("bp", "blood pressure") and "/" not in value and not unit:
            continue
        if re.match(r"\s*(?:mg|mcg|g|units?)\b(?!/)", text[m.end("value") :], re.I):
            continue  # a dose, not a lab
        out.append(LabFact(name=name, value=value, unit=unit, text=m.group(0).strip()))
    return out


def _doses(text: str, drugs: list[DrugMention]) -> list[DoseFact]:
    out: list[DoseFact] = []
    for m in _DOSE.finditer(text):
        if re.match(r"/(?:mol|l|dl|min|m2)", text[m.end("unit") : m.end("unit") + 4], re.I):
            continue  # a concentration such as mg/dL, a lab value
        if m.group("unit") == "G":
            continue  # "18G cannulas": a gauge (grams are "g")
        per_kg = re.match(r"/kg\b", text[m.end("unit") :], re.I)  # "30 mL/kg of crystalloid"
        drug = None
        for d in drugs:
            if d.end <= m.start() and m.start() - d.end <= 20:
                drug = d.name
        out.append(
            DoseFact(
                drug=drug,
                amount=re.sub(r"\s+", "", m.group("amount")).replace("to", "-"),
                unit=m.group("unit") + ("/kg" if per_kg else ""),
                frequency=m.group("freq"),
                text=m.group(0).strip() + ("/kg" if per_kg and not m.group("freq") else ""),
            )
        )
    return out


def _durations(text: str, skip: list[tuple[int, int]]) -> list[str]:
    out: list[str] = []
    for m in _DURATION.finditer(text):
        raw = m.group("d") or f"{m.group('d2')} {m.group('u')}"
        value = _interval(raw)
        if value and value not in out:
            out.append(value)
    return out


def _age(text: str) -> tuple[int | None, Literal["female", "male"] | None]:
    """Age in whole years and the sex "61M" states; an infant's age in weeks or months is not a
    number of years (the case summary would say "0-year-old"), so it is None here."""
    age = stated_age(text)
    if age is None or age.unit != "year":
        return None, None
    return int(age.years), age.sex


_AGE_SEX = re.compile(r"\b\d{1,3}\s?(?:yo\s?|y/?o\s?|-year-old\s)?([FM])\b")
_PERSON = re.compile(r"\b(woman|lady|girl|female|man|gentleman|boy|male)\b", re.I)


def stated_sex(text: str) -> Literal["female", "male"] | None:
    """The patient's sex as the case states it: "38F", then the first person named ("a cis woman whose male
    partner ..."), then the pronouns."""
    shorthand = _AGE_SEX.search(text)
    if shorthand:
        return "female" if shorthand.group(1) == "F" else "male"
    person = _PERSON.search(text)
    if person:
        return "female" if person.group(1).lower() in ("woman", "lady", "girl", "female") else "male"
    return _sex(text)


def _sex(text: str) -> Literal["female", "male"] | None:
    female = len(_FEMALE.findall(text))
    male = len(_MALE.findall(text))
    if female > male:
        return "female"
    if male > female:
        return "male"
    return None


def _treatments(text: str, drugs: list[DrugMention]) -> list[TreatmentFact]:
    """Assign each drug mention the cue that governs it: the nearest cue before it in its clause,
    carried across "X, Y and Z" lists."""
    out: dict[str, TreatmentFact] = {}
    state: tuple[str, str] | None = None
    previous_end = 0
    for i, d in enumerate(drugs):
        gap = text[previous_end : d.start]
        cue = _cue_before(text[max(0, d.start - 80) : d.start])
        if cue is None and _cue_after_list(text, drugs, i):
            cue = ("current", "unknown")  # "Prednisolone prescribed", "amoxicillin 500 mg started"
        if cue is not None:
            state = cue
        elif state is None or not _LIST_JOINER.match(gap):
            state = None
        previous_end = d.end
        if state is None or state[0] == "other":
            continue
        status, response = state
        if d.name not in out:
            out[d.name] = TreatmentFact(name=d.name, status=status, response=response)  # type: ignore[arg-type]
    return list(out.values())


def _cue_after_list(text: str, drugs: list[DrugMention], i: int) -> bool:
    """A cue after the drug, or after the list it starts: "sumatriptan + naproxen work for attacks"."""
    while i + 1 < len(drugs) and _LIST_JOINER.match(text[drugs[i].end : drugs[i + 1].start]):
        i += 1
    return bool(_CUE_AFTER.match(text[drugs[i].end : drugs[i].end + 40]))


_CUE_AFTER = re.compile(
    r"\s*(?:(?:gluconate|chloride|carbonate|sulfate|sulphate|phosphate)\s+)?"  # "calcium gluconate given"
    r"(?:\d[\d.]*\s*(?:mg|mcg|micrograms?|g|units?)\b\s*(?:[a-z]{1,4}\s+)?)?"
    r"(?:was |has been |have been |already |just )?(?:prescribed|started|given|commenced|begun"
    # "ramipril uptitrated 2.5 -> 10 mg", "ramipril went from 5 to 10 mg": a dose changed is a drug taken
    r"|(?:up)?titrated|increased|went (?:up|from)|was (?:increased|reduced)"
    # "sumatriptan + naproxen work for attacks": what works is taken
    r"|works?|working|helps?|helping"
    # "syntocinon infusion running", "the TXA went in": given now
    r"|(?:infusion |drip )?(?:running|went in|is up|going in|already in)"
    # "his Levemir 14 units is due": a regular dose, so a drug taken
    r"|(?:is |are )?due)\b",
    re.I,
)


def _cue_before(window: str) -> tuple[str, str] | None:
    for pattern, status, response in _CUES:
        if pattern.search(window):
            return status, response
    return None


_DISEASE_WORD = re.compile(
    r"(?:disease|arthritis|diabetes|fibrillation|failure|syndrome|itis|osis|a?emia|pathy|penia|palsy|cancer|infection|"
    r"pneumonia|hypertension|asthma|disorder|injury|deficiency|embolism|infarction|stroke|sclerosis|gravis|"
    r"thrombosis|lupus|gout|psoriasis|colitis|apnoea|apnea|migraine|depression|epilepsy|seizures?|"
    r"anaphylaxis|ism|kalaemia|kalemia|natraemia|natremia|dementia|delirium|schizophrenia|anxiety|insomnia|"
    r"psychosis|obesity|anaemia|anemia|cirrhosis|hepatitis|sepsis|shock|fracture|ulcer|dermatitis|eczema|acne)$",
    re.I,
)
_MODIFIERS = frozenset(
    "newly diagnosed suspected known confirmed previous prior recent severe mild moderate acute chronic "
    "new old recurrent established possible probable active".split()
)
_NOT_DISEASE = frozenset(
    "prognosis diagnosis analysis basis emphasis synthesis hypothesis mechanism metabolism organism "
    "criticism prism tourism realism".split()
)
_NOT_CONDITION = re.compile(
    r"\b(?:response|responses|waves?|attacks?|symptoms?|results?|levels?|values?|signs?|history|"
    r"frequency|dose|doses|ED|A&E|ICU|clinic|ward|hospital|department|surgery|home|"
    # "otherwise normal FBC": a finding ruled out is not what the question is about
    r"normal|otherwise|unremarkable|"
    # "for filling him": about the patient, not a disease
    r"him|her|them|it|"
    r"days?|weeks?|months?|years?|night|morning|evening|today|tomorrow|tonight|"
    # "admitted in May with HFpEF": a month dates the case
    r"January|February|March|April|(?-i:May)|June|July|August|September|October|November|December)\b",
    re.I,
)
_NOT_CONDITION_START = frozenset(
    "with and or to of for done tried completed finished had been got received taken started crept gone went "
    "come risen fallen dropped climbed increased decreased".split()
)
_LAB_START = re.compile(rf"^(?:{_LAB_NAMES})\b", re.I)


# "had an MI last year", "history of AF": past history, not what the question is about
_HISTORY_CUE = re.compile(
    r"\b(?:had|history of|previous|prior|past|old|remote|former)\s+(?:an?\s+|the\s+|two\s+|\w+\s+)?$", re.I
)


# "ovarian ca", "breast Ca": the clinic shorthand for a cancer of the organ named
_CANCER_SHORTHAND = re.compile(rf"\b({CANCER_ORGANS})\s+ca\b", re.I)


# "23yo with type 1", "T2 on metformin": the type of diabetes named alone
_DIABETES_TYPE = re.compile(
    r"\b(?:type|T)\s?([12])\b(?!\s*(?:diabetes|DM|respiratory|MI|error|excess|allergy|hypersens))", re.I
)


_CAUSE_OF_VALUE = re.compile(
    r"\d\s*(?:[a-zA-Zµ/%.]+\s*){0,2}\s(?:from|due to|secondary to|because of)\s+((?:[\w'-]+\s+){0,2}[\w'-]+)"
)


def _condition(text: str, drugs: list[DrugMention]) -> str | None:
    """A disease abbreviation anywhere ("RA", "T2DM") wins; otherwise the phrase after "with", "for" ...
    A seizure said to last 5 minutes or more is status epilepticus (the operational definition the
    guidelines use)."""
    if status_epilepticus(text):
        return "status epilepticus"
    cancer = _CANCER_SHORTHAND.search(text)
    if cancer:
        return f"{cancer.group(1).lower()} cancer"
    diabetes = _DIABETES_TYPE.search(text)
    if diabetes and not _HISTORY_CUE.search(text[: diabetes.start()]):
        return f"type {diabetes.group(1)} diabetes"
    for m in re.finditer(r"\b[A-Z][A-Za-z0-9]{1,6}\b", text):
        word = m.group(0)
        meanings = [m for m in abbreviation_meanings(word) if _DISEASE_WORD.search(m)]
        if meanings and word.upper() == word and not _HISTORY_CUE.search(text[: m.start()]):
            return meanings[0]
    lead = re.match(
        r"^\s*(?:(?:a|an|the|known|established)\s+)?([A-Za-z0-9' \-]{3,40}?)\s+(?:with|on|in)\b", text
    )
    if lead and _DISEASE_WORD.search(lead.group(1)) and not find_drugs(lead.group(1)):
        return lead.group(1).strip()
    drug_spans = [(d.start, d.end) for d in drugs]
    # "CrCl 52 mL/min (lupus nephritis)": a disease in brackets explains a finding; it is the question's
    # condition only when nothing else names one
    brackets = [b.span() for b in re.finditer(r"\([^()]*\)", text)]
    # after a value ("CrCl 52 mL/min (lupus nephritis)") it only explains the value
    explained = [(s, e) for s, e in brackets if re.search(r"\d\s*(?:[a-zA-Zµ/%.]+\s*){0,2}$", text[:s])]
    # "CrCl 48 from lupus nephritis": a cause after a value explains the value, as brackets do
    causes = [m.span(1) for m in _CAUSE_OF_VALUE.finditer(text)]
    brackets += causes
    explained += causes
    bracketed = None
    for m in re.finditer(r"\b[A-Za-z][A-Za-z0-9\-]*\b", text):
        word = m.group(0).lower()
        if _DISEASE_WORD.search(word) and word not in _GENERIC and word not in _NOT_DISEASE:
            if not any(s <= m.start() < e for s, e in brackets):
                return _disease_phrase(text, m)
            if not any(s <= m.start() < e for s, e in explained):
                bracketed = bracketed or _disease_phrase(text, m)
    return _condition_after_cue(text, drug_spans) or bracketed


def _disease_phrase(text: str, m: re.Match[str]) -> str:
    """The disease word with up to two words before it ("ulcerative colitis") and a disease word after."""
    phrase_end = m.end()
    keep: list[str] = []
    for word in reversed(text[: m.start()].split()[-2:]):
        word = word.lower() if word[:1].isupper() and word[1:].islower() else word
        if (
            not re.fullmatch(r"[a-z0-9\-]+", word)
            or word in _GENERIC
            or word in STOPWORDS
            or word in _MODIFIERS
        ):
            break
        keep.insert(0, word)
    following = re.match(r"\s+([A-Za-z]+)", text[phrase_end:])
    if following and _DISEASE_WORD.search(following.group(1)):
        phrase_end += following.end()
    return " ".join([*keep, text[m.start() : phrase_end]])


def _condition_after_cue(text: str, drug_spans: list[tuple[int, int]]) -> str | None:
    for m in _CONDITION_CUES.finditer(text):
        rest = text[m.end() :]
        stop = _CONDITION_STOP.search(rest)
        phrase = rest[: stop.start()] if stop else rest
        words = phrase.split()[:6]
        # a finding ends at a value or at the next finding: "bulging eardrums and fever 38.5"
        cut = next((i for i, w in enumerate(words) if re.search(r"\d", w) or w.lower() == "and"), len(words))
        words = words[:cut]
        while words and words[0].lower() in _GENERIC | {
            "sudden",
            "right",
            "left",
            "bilateral",
            "unilateral",
            "new",
            "recent",
            "known",
            "established",
            "severe",
            "moderate",
            "mild",
            "active",
            "chronic",
            "acute",
            "early",
            "newly",
            "diagnosed",
            "suspected",
            "longstanding",
        }:
            words = words[1:]
        # "came in with Na 112": the cue word itself; "has done CBT": what was done, not a disease
        if not words or words[0].lower() in _NOT_CONDITION_START:
            continue
        candidate = " ".join(words).strip(" -")
        start = m.end() + phrase.find(words[0])
        if any(s <= start < e for s, e in drug_spans) or is_drug_word(words[0]):
            continue
        if all(w.lower() in _GENERIC or re.fullmatch(r"[\d./%]+", w) for w in words):
            continue
        if re.match(r"\d", candidate) or len(candidate) < 2 or _LAB_START.match(candidate):
            continue
        if _NOT_CONDITION.search(candidate):
            continue
        return _expand_condition(candidate)
    return None


def _expand_condition(candidate: str) -> str:
    words = candidate.split()
    out = []
    for w in words:
        meanings = abbreviation_meanings(w)
        # "HFpEF" too: two capitals make an abbreviation, not a word
        out.append(meanings[0] if meanings and sum(ch.isupper() for ch in w) >= 2 else w)
    return " ".join(out)
