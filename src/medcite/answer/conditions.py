"""Does the patient meet the condition a recommendation sets?

Guideline sentences are conditional: on a measurement ("if potassium is below 3.5 mmol/L"), on who
the patient is ("women with hypothyroidism who become pregnant need ..."), on a finding in words ("if
there are ECG changes"), or on an absence ("for an INR of 4.5-10 without bleeding"). A sentence whose
condition the case meets answers this patient; one whose condition it misses answers someone else's
question. Measurements are compared in `thresholds`; this module reads the conditions in words
against what the case states (its words, their synonyms and abbreviation meanings, and the findings
its values imply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcite.answer.drugs import class_words, find_drugs
from medcite.answer.select import FILLER_STEMS, UNIT_STEMS
from medcite.answer.thresholds import QuestionValue, threshold_fit
from medcite.search.expansion import abbreviation_meanings
from medcite.text.tokens import tokenize


@dataclass(frozen=True)
class CaseReading:
    """What the case states, in stems: the words a condition is read against."""

    values: list[QuestionValue]  # named measurements and the age
    stems: frozenset[str]  # the case part (not the asked part), abbreviation meanings, implied findings
    question_terms: frozenset[str]  # every stem of the question (asked part included)
    aliases: dict[str, str]  # synonym stem -> the question's own stem
    failing: bool = False  # the case states that treatment is not working
    failing_drugs: frozenset[str] = frozenset()  # named and not said to have worked (lower case)
    negated: frozenset[str] = frozenset()  # what the case says the patient does not have ("no allergy")
    drugs: frozenset[str] = frozenset()  # every drug the question names (lower case)
    sex: str | None = None  # "female", "male" or None when the case does not say
    transgender: bool = False  # the case says the patient is transgender or non-binary


# "If there are ECG changes of hyperkalaemia, give ...", "For a second or later recurrence, ..."
_LEADING_CONDITION = re.compile(r"(?:if|when|where|once|for|in|with)\b([^,;:]{3,100})[,:]", re.I)
# "Women with hypothyroidism who become pregnant need ...": the people a sentence is about
_SUBJECT_CONDITION = re.compile(
    r"(?:women|men|patients|people|adults|children|infants|those)\b([^,;:]{3,100}?)\s+"
    r"(?:need|needs|should|must|require|requires|benefit|are|have)\b",
    re.I,
)
# "Pregnant women with syphilis must ...": the adjective is part of who the sentence is about
_ADJECTIVE_AFTER = re.compile(r"^([A-Za-z-]{4,}) (women|men|patients|people|adults|children|infants)\b")
# "Treat pregnant women with methadone ...", "Offer high-risk patients rasburicase": whom the advice is for
_TREAT_WHOM = re.compile(
    r"^(?:treat|offer|give|advise|prescribe)\s+([A-Za-z-]{4,})\s+(?:women|men|patients|people|adults|children|infants)\b",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|no|never|without|unless|neither|nor)\b|n't", re.I)
_COUNTS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
# "no or limited response to at least two previous antidepressants", "two or more DMARDs"
_PRIOR_COUNT = re.compile(
    r"\b(?:at least|after|(?=\w+ or more))\s*(two|three|four|2|3|4)(?: or more)?\s+(?:[\w-]+\s+){0,3}?"
    r"(drugs|medicines|medications|antidepressants|treatments|agents|preventives|triptans|dmards|"
    r"biologics|therapies)\b",
    re.I,
)
# kinds that count every failing drug ("two courses of treatment C" repeats one, so is not counted)
_ANY_DRUG = frozenset(tokenize("drugs medicines medications treatments agents preventives therapies"))
_NOT_WORKING = re.compile(
    r"\b(?:there is |there has been )?(?:no (?:or (?:a )?(?:limited|partial) )?response|"
    r"(?:an? )?(?:suboptimal|inadequate|insufficient|partial|poor|incomplete) response|"
    # "if the target is not reached on the maximum tolerated dose of ...": treatment that has not worked
    r"(?:the )?target (?:is |has )?not (?:been )?(?:reached|achieved|met)|"
    r"(?:is |are |was |has |have )?not (?:controlled|responding|improving|working|helped|improved)|"
    r"(?:does|do|did) not (?:respond|improve|work))\b",
    re.I,
)
_DOSE_LEVEL = re.compile(
    r"\b(?:standard|usual|low|high|maximum|maximal|maximally tolerated|maximum tolerated|optimi[sz]ed|full)"
    r"[- ]doses?\b",
    re.I,
)
_NOT_TOLERATED = re.compile(
    r"\b(?:is |are |was |were )?not tolerated|(?:cannot|can't|unable to) tolerate", re.I
)
# "without bleeding", "except in rheumatic mitral stenosis", "who are not of Black African family origin"
_WITHOUT = re.compile(
    r"\b(?:without|except (?:in|for|with)|other than|who (?:are|is) not(?: of)?|who do(?:es)? not have"
    # "F/TAF ...; not for receptive vaginal sex exposure"
    r"|not for(?! use\b)(?: people at risk through| patients with| those with)?)\s+"
    r"((?:[a-z][a-z0-9-]+)(?:\s+(?!and\b|or\b|who\b|whose\b|that\b)[a-z][a-z0-9-]+)?)",
    re.I,
)
# "for non-pregnant adults": who a sentence excludes by a state the case may state (not "non-steroidal",
# "non-heparin", which name kinds of drug)
_NON_STATE = re.compile(r"\bnon-?(pregnant|diabetic|smokers?|severe|immunocompromised|allergic)\b", re.I)
CONDITION_MET_SHARE = 1.0  # share of the condition's words the question states (or a synonym of)
# "Use amoxicillin-clavulanate when the child has had amoxicillin in the past 30 days, ..."
_TRAILING_CONDITION = re.compile(
    r"\b(?:when|if) (?:the |a |an )?(?:child|patient|person|woman|man|adult|infant)\b([^,;:.]{3,100})", re.I
)
# "Warfarin ... is the anticoagulant for patients with a mechanical valve or rheumatic mitral stenosis"
_FOR_WHOM = re.compile(
    # ("..., including in patients with moderate-to-severe CKD")
    r"\b(?:for|in|including(?: in)?) (?:patients|people|adults|women|men|children|those) (?:with|who)\b"
    r"([^,;:.\[]{3,100})",
    re.I,
)
# "Amoxicillin-clavulanate: 90 mg/kg ...; Oral; In 2 divided doses; For recent amoxicillin, conjunctivitis or
# amoxicillin failure": the patients a dosing row's last cell names (any one of them)
_ROW_LAST_CELL = re.compile(r"^[A-Z][^:;]{1,60}:[^;]*(?:;[^;]*){1,4};\s*For\s+([^;\[]{3,100}?)\s*(?:\[|$)")
# "Infection around the eyes or nose is of more concern ..., so co-amoxiclav is used": who it is for
_OF_CONCERN = re.compile(
    r"^([^,;:]{3,80}?)\s+(?:is|are)\s+of\s+(?:more|most|greater|particular|special)\s+concern\b", re.I
)
# "Hypoglycaemia caused by a sulfonylurea can recur ..., so observe these patients": the cause is the case
_CAUSED_BY = re.compile(
    r"^[A-Za-z-]+\s+(?:caused|induced)\s+by\s+([^,;:]{3,60}?)\s+(?:can|may|is|are|should|needs?|often)\b",
    re.I,
)
# "Vancomycin (fulminant CDI): 500 mg; ...": the population a dosing row's first cell names
_ROW_POPULATION = re.compile(r"^[A-Z][\w/ -]{1,60}\(([^()]{3,60})\):")


def _spelled_out(text: str, known: frozenset[str]) -> str:
    """The text with each upper-case abbreviation the case does not use itself replaced by its first meaning
    ("fulminant CDI" -> "fulminant Clostridioides difficile infection"), so it is read in the case's words
    ("ECG changes" stays as it is for a case that says "ECG" or "T waves")."""

    def meaning(m: re.Match[str]) -> str:
        if set(tokenize(m.group(0))) & known:
            return m.group(0)
        return next(iter(abbreviation_meanings(m.group(0))), m.group(0))

    return re.sub(r"\b[A-Z][A-Z0-9]{1,6}\b", meaning, text)


# words a condition is phrased with that say nothing about who meets it
_CONDITION_VERBS = frozenset(
    tokenize(
        "become becomes develop develops who whose have has had are is child children patient patients "
        "person people past recent recently previous previously ago"
    )
)
_ALLERGY = frozenset(tokenize("allergy allergic intolerant intolerance hypersensitivity anaphylaxis"))
_UNAVAILABLE = frozenset(tokenize("unavailable unaffordable"))
_HIGH_SEVERITY = frozenset(tokenize("severe life-threatening fulminant critical"))
_SEVERITY = frozenset(tokenize("mild moderate severe life-threatening fulminant critical complicated"))


# "moderate to severe renal impairment": either severity meets it
_SEVERITY_RANGE = re.compile(r"\b(mild|moderate)(?:\s+to\s+|-to-|\s*-\s*)(moderate|severe)\b", re.I)


def _severity_in_range(m: re.Match[str], stated: frozenset[str]) -> str:
    """The severity of the range that the case states ("severe" from eGFR 22), else the range as written."""
    return next((word for word in (m.group(2), m.group(1)) if set(tokenize(word)) <= stated), m.group(0))


_SHOWN_BY_SIGNS = _SEVERITY | frozenset(tokenize("symptoms features signs"))


def _shows_severity(condition: str, case: CaseReading) -> bool:
    """A "such as" list in brackets names a sign the case states ("(such as vomiting, seizures ...)")."""
    for inside in re.findall(r"\(\s*(?:such as|e\.g\.?|for example|including)\s+([^)]*)\)", condition, re.I):
        for item in re.split(r",\s*|\s+or\s+|\s+and\s+", inside):
            stems = {case.aliases.get(s, s) for s in tokenize(item)} - FILLER_STEMS
            if stems and stems <= case.stems:
                return True
    return False


def condition_fit(text: str, source_title: str, case: CaseReading) -> float:
    """+1 when the patient meets the sentence's condition, -1 when not, 0 when it states none: the
    values are compared with its thresholds (`threshold_fit`); a condition in words ("if there are
    ECG changes", "women who become pregnant need ...") is met when the case states its words or
    their synonyms; "without bleeding" is not met by a patient who is bleeding, nor "who are not of
    Black African family origin" by a patient who is."""
    for without in _WITHOUT.finditer(text):  # "for an INR of 4.5-10 without bleeding", bleeding patient
        excluded = {case.aliases.get(s, s) for s in tokenize(without.group(1))} - FILLER_STEMS
        if excluded & case.stems:
            return -1
    if excluded_state(text, case):  # "for non-pregnant adults", a pregnant patient
        return -1
    if _absence_contradicted(text, case):  # "(few symptoms, no exacerbation history)", two exacerbations
        return -1
    verdict = threshold_fit(text, case.values) or interaction_fit(text, case)
    if verdict:
        return verdict
    prior = _PRIOR_COUNT.search(text)
    if prior and case.failing and case.failing_drugs:
        # "when at least two oral preventive drugs have failed": count the drugs the case names (of
        # the class named, for "two oral triptans" or "two previous antidepressants")
        needed = _COUNTS[prior.group(1).lower()]
        kind = set(tokenize(prior.group(2)))
        counted = [
            d
            for d in case.failing_drugs
            if kind & _ANY_DRUG or kind & set(tokenize(" ".join((d, *class_words(d)))))
        ]
        return 1 if len(counted) >= needed else -1
    m = (
        _LEADING_CONDITION.match(text)
        or _SUBJECT_CONDITION.match(_ADJECTIVE_AFTER.sub(r"\2 \1", text, count=1))
        or _TRAILING_CONDITION.search(text)
        or _FOR_WHOM.search(text)
        or _TREAT_WHOM.match(text)
        or _ROW_POPULATION.match(text)
        or _OF_CONCERN.match(text)
        or _CAUSED_BY.match(text)
        or _ROW_LAST_CELL.match(text)
    )
    if not m:
        return 0
    # "fulminant CDI (hypotension or shock, ileus or megacolon)": the brackets define the condition named
    clause = _NOT_TOLERATED.sub("intolerant", re.sub(r"\s*\([^)]*\)?", " ", m.group(1)))
    named = {d.name.lower() for d in find_drugs(clause)}
    if case.failing and _NOT_WORKING.search(clause) and named <= case.failing_drugs:
        # "if there is no response after ...", "if BP is not controlled on step 1": the case says so
        # (not "if treatment C has not helped" when C is not what is failing)
        clause = _NOT_WORKING.sub(" ", clause)
        # "... to standard-dose mesalamine": the dose tried qualifies the drug, it is no further condition
        clause = _DOSE_LEVEL.sub(" ", clause)
    if _NEGATION.search(clause):
        return 0  # "if treatment C has not helped": the words alone cannot tell who meets it
    # the source's own topic ("hypothyroidism" in its title) is what every question sent to it is about
    # (not for a dosing row's population: "Hydrocortisone (adrenal crisis)" is one branch of the topic
    # "... and adrenal crisis", which the case must state)
    topic = set() if m.re is _ROW_POPULATION else set(tokenize(source_title))
    # "for penicillin allergy or when flucloxacillin is unsuitable": meeting one alternative is enough
    verdict = 0.0
    severity = _SEVERITY & set(tokenize(clause))
    # "severe symptoms (such as vomiting, seizures ...)": a sign the brackets list makes the case that severe
    shown = _shows_severity(m.string[m.start(1) :], case)
    if severity and severity <= _HIGH_SEVERITY and not severity & case.stems and not shown:
        verdict = -0.5  # "for fulminant CDI" when the case describes no fulminant (or severe) disease
    alternatives = r",\s*|\s+or\s+" if m.re is _ROW_LAST_CELL else r"\s+or\s+(?:when\s+|if\s+)?"
    clause = _SEVERITY_RANGE.sub(lambda r: _severity_in_range(r, case.stems), clause)
    for part in re.split(alternatives, clause):
        words = {
            case.aliases.get(s, s)
            for s in tokenize(
                _spelled_out(part, case.question_terms | case.stems | topic | set(case.aliases))
            )
            if not s[0].isdigit()
            and s not in UNIT_STEMS
            and s not in FILLER_STEMS
            and s not in _CONDITION_VERBS
        }
        stated = words & (case.question_terms | case.stems | topic)  # implied and derived findings too
        if shown:  # "severe symptoms (such as vomiting ...)" for a vomiting patient
            stated |= words & _SHOWN_BY_SIGNS
        if (words & _ALLERGY and not (case.stems | case.question_terms) & _ALLERGY) or (
            words & _UNAVAILABLE and not case.stems & _UNAVAILABLE
        ):
            # "with penicillin allergy": a case that states no allergy (a clinician would say) is not
            # one, even when it names penicillin; nor is "where fidaxomicin is unavailable" a case that
            # says nothing of supply
            verdict = min(verdict, -0.5)
            continue
        unstated_severity = set() if shown else (_SEVERITY & words) - stated
        if not stated or len(stated) / len(words) < CONDITION_MET_SHARE or unstated_severity:
            continue
        # the case must state it: "when antibiotics are prescribed" only repeats what is asked
        if stated & case.stems - topic or (shown and stated & _SHOWN_BY_SIGNS):
            return 1
    return verdict


# "Apixaban needs a 50% dose reduction when taken with strong CYP3A4 and P-gp inhibitors such as ..."
_TAKEN_WITH = re.compile(
    r"\b(?:taken|given|used|combined|co-?prescribed|co-?administered)\s+(?:together\s+)?with\b([^.;\[]{3,160})",
    re.I,
)


# "Dabigatran should be reduced to 75 mg twice daily with dronedarone": a dose lowered for a co-medication
_REDUCED_WITH = re.compile(r"\b(?:reduc\w*|lower\w*|halv\w*)\b[^.;]{0,40}?\bwith\b([^.;\[]{3,160})", re.I)
_CONDITIONAL = re.compile(r"\b(?:when|if|while|whilst|where)\s+(?:\w+\s+){0,2}$", re.I)


def _is_interaction(before: str) -> bool:
    """ "when taken with", or a subject taken with others ("Benzodiazepines combined with alcohol ...");
    not a regimen ("give amoxicillin-clavulanate combined with a macrolide")."""
    return bool(_CONDITIONAL.search(before)) or len(before.split()) <= 2


def interaction_fit(text: str, case: CaseReading) -> int:
    """Advice for when a drug is taken with others that it names: -1 when the case names no drug but the
    ones the rest of the sentence is about (nothing it could interact with), +1 when the case names
    one of those others, else 0 (it may name one the list's "such as" leaves out)."""
    m = _TAKEN_WITH.search(text)
    if not m or not _is_interaction(text[: m.start()]):
        m = _REDUCED_WITH.search(text)
    if not m:
        return 0
    others = {d.name.lower() for d in find_drugs(m.group(1))}
    if not others:
        return 0
    if case.drugs & others:
        return 1
    subject = {d.name.lower() for d in find_drugs(text[: m.start()] + text[m.end() :])}
    return -1 if case.drugs <= subject else 0


def denies_condition(text: str, case: CaseReading) -> bool:
    """The sentence opens with a condition the case says the patient does not have: "For penicillin
    allergy or when flucloxacillin is unsuitable, use ..." for "no penicillin allergy", "For VTE provoked
    by surgery" for an unprovoked PE (each alternative either denied or not stated at all, and one
    denied), or "For non-pregnant adults" for a pregnant woman."""
    m = _LEADING_CONDITION.match(text)
    if not m:
        return False
    if excluded_state(m.group(1), case):  # "For non-pregnant adults, ..." for a pregnant woman
        return True
    if _NEGATION.search(m.group(1)):
        return False
    denied = False
    for part in re.split(r"\s+or\s+(?:when\s+|if\s+)?", m.group(1)):
        # "for adults with penicillin allergy and early syphilis": a denied conjunct denies the part, unless
        # another conjunct is stated ("anaphylaxis to penicillin", while the syphilis is not early)
        conjuncts = [_condition_words(c, case) for c in _CONJUNCT.split(part)]
        if any(_denied(w, case) for w in conjuncts) and not any(
            w & case.stems for w in conjuncts if not _denied(w, case)
        ):
            denied = True
        elif _condition_words(part, case) & case.stems:
            return False  # an alternative the case does state: the sentence may be for this patient
    return denied


_CONJUNCT = re.compile(r"\s+(?:with|and|who (?:have|has))\s+", re.I)


def _condition_words(part: str, case: CaseReading) -> set[str]:
    return {
        case.aliases.get(s, s)
        for s in tokenize(part)
        if not s[0].isdigit() and s not in FILLER_STEMS and s not in _CONDITION_VERBS and len(s) > 2
    }


def _denied(words: set[str], case: CaseReading) -> bool:
    return bool(words) and (words <= case.negated or _opposite(words, case.stems))


# "no exacerbation history", "no history of seizures": an absence a condition names
_NO_STATE = re.compile(r"\bno (?:history of |previous |prior )?([a-z][a-z-]{3,})(?= history\b|[),;]|$)", re.I)
_PARENTHESIS = re.compile(r"\(([^()]{3,120})\)")
# absences that describe a course rather than a state ("no response", "no improvement")
_COURSE_STEMS = frozenset(tokenize("response improvement change benefit effect relief"))


def _absence_contradicted(text: str, case: CaseReading) -> bool:
    """The sentence's condition (its opening clause or a bracketed definition) names an absence the case
    contradicts: "For GOLD group A (few symptoms, no exacerbation history)" for a patient with two
    exacerbations last year."""
    leading = _LEADING_CONDITION.match(text)
    parts = [m.group(1) for m in _PARENTHESIS.finditer(text)] + ([leading.group(1)] if leading else [])
    for part in parts:
        for m in _NO_STATE.finditer(part):
            stems = {case.aliases.get(s, s) for s in tokenize(m.group(1))} - _COURSE_STEMS - FILLER_STEMS
            if stems and stems <= case.stems and not stems & case.negated:
                return True
    return False


_GROUP = r"(?:(?:cisgender|cis|transgender|trans) )?(?:men|women)(?: who have sex with (?:men|women))?"
# "for sexually active men who have sex with men and transgender women", "in postmenopausal women":
# groups named by sex
_SEX_GROUPS = re.compile(
    rf"\b(?:for|in) (?:sexually active |adult |older |younger |postmenopausal |premenopausal |pregnant )?"
    rf"({_GROUP}(?:(?:,\s*|\s+and\s+|\s+or\s+){_GROUP})*)\b",
    re.I,
)


def for_other_sex(text: str, case: CaseReading) -> bool:
    """The sentence is for groups named by sex or gender, none of which the case's patient is in."""
    if case.sex is None:
        return False
    # "in women, and in men" names both: the patient's group anywhere in the sentence counts
    groups = [
        g
        for m in _SEX_GROUPS.finditer(text)
        for g in re.split(r",\s*|\s+and\s+|\s+or\s+", m.group(1).lower())
    ]
    return bool(groups) and not any(_in_group(g, case) for g in groups)


def _in_group(group: str, case: CaseReading) -> bool:
    trans = group.startswith("trans")
    if trans != case.transgender:
        return False
    person = group.split(" who ")[0].split()[-1]
    # a transgender woman is in "transgender women" whatever sex the case's words suggest
    return trans or person == ("women" if case.sex == "female" else "men")


def excluded_state(text: str, case: CaseReading) -> bool:
    """The text excludes a state the case states: "non-pregnant" for a pregnant patient."""
    return any(
        {case.aliases.get(s, s) for s in tokenize(non.group(1))} & case.stems
        for non in _NON_STATE.finditer(text)
    )


def _opposite(words: set[str], stated: frozenset[str]) -> bool:
    """ "For VTE provoked by surgery" for an unprovoked PE, "for controlled asthma" for uncontrolled:
    the case states the un- form of a word of the condition, or the plain form of its un- word."""
    return any(len(w) > 4 and (f"un{w}" in stated or (w.startswith("un") and w[2:] in stated)) for w in words)


def after_leading_condition(text: str) -> str:
    """What a sentence says after the condition it opens with ("If BP is not controlled on step 1, add a
    CCB" -> "add a CCB"), or the whole sentence."""
    m = _LEADING_CONDITION.match(text)
    return text[m.end() :].lstrip() if m else text


def leading_condition(text: str) -> str | None:
    """The condition a sentence opens with ("For children 3 months or older with cystitis," -> "children
    3 months or older with cystitis"), or None."""
    m = _LEADING_CONDITION.match(text)
    return m.group(1) if m else None
