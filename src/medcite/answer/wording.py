"""MedCite's own words in an article: headings' connective phrases, titles, disclaimers, per audience.

Only these fixed phrases and the Assessment sentences (built from the question's facts) are
written by MedCite; every clinical statement is quoted from a cited source. Audiences change
these phrases, never the quoted statements or their citations.
"""

from __future__ import annotations

from medcite.answer.lexicon import load_lexicon
from medcite.answer.schema import Audience, Facts, Intent, ScoreFact

LEADS: dict[Audience, dict[str, str]] = {
    Audience.CLINICIAN: {
        "assess": "Assess",
        "escalate": "Escalate",
        "choose": "Choose",
        "fails": "If this fails",
        "refer": "Refer",
        "start": "Start",
        "dose": "Dose",
        "adjust": "Adjust",
    },
    Audience.TRAINEE: {
        "assess": "Step 1, assess response",
        "escalate": "Step 2, escalate",
        "choose": "Step 3, choose the agent",
        "fails": "Step 4, if this fails",
        "refer": "When to refer",
        "start": "How to start",
        "dose": "Dose",
        "adjust": "Dose adjustment",
    },
    # Patient leads are short: a lead is read as part of the first sentence of its statement ("Choice",
    # one syllable, not "Medicine", three: the step of choosing the treatment, as the clinician's "Choose").
    Audience.PATIENT: {
        "assess": "First",
        "escalate": "Next",
        "choose": "Choice",
        "fails": "If that fails",
        "refer": "Specialist",
        "start": "Start",
        "dose": "Dose",
        "adjust": "Dose change",
    },
}

DISCLAIMERS: dict[Audience, str] = {
    Audience.CLINICIAN: (
        "For healthcare professionals. This answer supplements, and never replaces, clinical judgment; "
        "verify doses and recommendations against the cited primary sources before acting."
    ),
    Audience.TRAINEE: (
        "For healthcare professionals in training. Discuss decisions with a supervising clinician; this "
        "answer supplements, and never replaces, clinical judgment. Verify against the cited sources."
    ),
    Audience.PATIENT: (
        "This is general information, not medical advice for you. Talk to your doctor, nurse or pharmacist "
        "before you start, stop or change any treatment."
    ),
}

PENDING_REVIEW = "Content pending human review: this answer has not yet been approved by a clinical reviewer."
INSUFFICIENT = (
    "The knowledge base does not hold passages that answer this question well "
    "enough to make a recommendation. What the search found is listed below; no recommendation is made."
)
EMPTY_KB = (
    "The knowledge base is empty, so no recommendation can be made. Add guidelines, drug labels or articles "
    "with `medcite ingest PATH` and ask again."
)
PATIENT_URGENT = "If this is happening now, call your emergency number or go to an emergency department."
IDENTIFIERS_REMOVED = "Patient identifiers were removed from the question before it was processed."


def contraindication_text(drugs: list[str]) -> str:
    named = " or ".join(drugs)
    return (
        f"A source rules out {named} (or its class) for a condition stated in this case: see the Bottom "
        "Line and its citation. Steps and doses for it are left out of this answer."
    )


def conflict_text(drug: str, numbers: list[int]) -> str:
    cited = "".join(f"[{n}]" for n in numbers)
    return (
        f"Sources differ on the dose of {drug} {cited}; both are shown under Specific Recommendation. "
        "Check which applies to this patient."
    )


def title_for(intent: Intent, facts: Facts, question: str) -> str:
    condition = facts.condition
    drugs = facts.drugs_mentioned
    current = facts.current_treatments
    topic = condition or (", ".join(drugs[:2]) if drugs else None)
    in_condition = f" in {condition}" if condition else ""
    if topic is None:
        short = question.rstrip("?. ")
        return short[:1].upper() + short[1:80]
    if intent is Intent.NEXT_STEP:
        if current and (facts.inadequate_response or facts.scores):
            return f"Next step after inadequate response to {_join(current)}{in_condition}"
        return f"Next step in the management of {topic}"
    if intent is Intent.TREATMENT_CHOICE:
        return f"Treatment choice for {topic}"
    if intent is Intent.DOSING:
        return f"Dosing of {drugs[0]}{in_condition}" if drugs else f"Dosing in {topic}"
    if intent is Intent.MONITORING:
        return f"Monitoring of {drugs[0]}{in_condition}" if drugs else f"Monitoring in {topic}"
    if intent is Intent.ADVERSE_EFFECTS:
        return f"Safety and adverse effects of {drugs[0]}{in_condition}" if drugs else f"Safety in {topic}"
    if intent is Intent.DIAGNOSIS:
        return f"Diagnosis of {topic}"
    if intent is Intent.COMPARISON:
        return f"{drugs[0]} versus {drugs[1]}{in_condition}" if len(drugs) >= 2 else f"Options in {topic}"
    return f"Prognosis of {topic}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _person_words(facts: Facts) -> list[str]:
    """Age, pregnancy, breastfeeding and sex as the question states them ("54-year-old woman")."""
    person = []
    if facts.age is not None:
        person.append(f"{facts.age}-year-old")
    if facts.pregnant:
        person.append("pregnant")
    if facts.breastfeeding:
        person.append("breastfeeding")
    if facts.sex:
        person.append("woman" if facts.sex == "female" else "man")
    if facts.pregnant is False:
        person.append("(not pregnant)")
    return person


def assessment_lines(facts: Facts, audience: Audience) -> list[str]:
    """The situation as the question states it, in plain words (no clinical claims)."""
    if audience is Audience.PATIENT:
        return patient_assessment_lines(facts)
    lines: list[str] = []
    if facts.condition:
        lines.append(f"Condition: {facts.condition}.")
    person = _person_words(facts)
    if person:
        lines.append(f"Patient: {' '.join(person)}.")
    for s in facts.scores:
        verb = {"falling": "decreased", "rising": "increased", "unchanged": "did not change"}[s.trend]
        scale = f"/{_num(s.scale_max)}" if s.scale_max else ""
        unit = s.unit if s.unit and s.unit != "%" else ""
        pct = "%" if s.unit == "%" else ""
        start, end = f"{_num(s.start)}{scale}{pct}", f"{_num(s.end)}{scale}{pct}"
        over = f" over {s.interval}" if s.interval else ""
        name = s.name or "The score"
        tail = f" {unit}" if unit else ""
        if s.trend == "unchanged":
            lines.append(f"{name} stayed at {start}{tail}{over}.")
        else:
            lines.append(f"{name} {verb} from {start} to {end}{tail}{over}.")
    if facts.labs:
        lines.append(
            "Reported results: "
            + "; ".join(f"{lab.name} {lab.value}{' ' + lab.unit if lab.unit else ''}" for lab in facts.labs)
            + "."
        )
    if facts.doses:
        lines.append(
            "Doses stated: "
            + "; ".join(
                " ".join(p for p in (d.drug, f"{d.amount} {d.unit}", d.frequency) if p) for d in facts.doses
            )
            + "."
        )
    if facts.current_treatments:
        lines.append(f"Current treatment: {_join(facts.current_treatments)}.")
    previous = [t for t in facts.treatments if t.status == "previous"]
    if previous:
        parts = []
        for t in previous:
            note = {
                "responded": " (responded before)",
                "inadequate": " (inadequate response)",
                "intolerant": " (not tolerated)",
            }.get(t.response, "")
            parts.append(t.name + note)
        lines.append(f"Previous treatment: {_join(parts)}.")
    if facts.current_treatments and facts.therapy_failing:
        lines.append(
            f"Pattern: inadequately controlled on {_join(facts.current_treatments)}"
            ", so the question is whether and how to escalate treatment."
        )
    elif facts.inadequate_response:
        lines.append("Pattern: inadequate response to treatment so far.")
    if not lines:
        lines.append("The question states no patient-specific findings; the answer is general.")
    return lines


def _score_line(s: ScoreFact, verbs: dict[str, str]) -> str:
    scale = f"/{_num(s.scale_max)}" if s.scale_max else ""
    unit = f" {s.unit}" if s.unit and s.unit != "%" else ""
    pct = "%" if s.unit == "%" else ""
    start, end = f"{_num(s.start)}{scale}{pct}", f"{_num(s.end)}{scale}{pct}"
    over = f" over {s.interval}" if s.interval else ""
    name = s.name or "The score"
    if s.trend == "unchanged":
        return f"{name} stayed at {start}{unit}{over}."
    return f"{name} {verbs[s.trend]} from {start} to {end}{unit}{over}."


def patient_assessment_lines(facts: Facts) -> list[str]:
    """The Assessment for a patient: the same facts in short sentences and everyday words."""
    plain = load_lexicon().apply
    lines: list[str] = []
    if facts.condition:
        lines.append(f"Health problem: {plain(facts.condition)}.")
    person = _person_words(facts)
    if person:
        lines.append(f"Person: {' '.join(person)}.")
    lines += [_score_line(s, {"falling": "went down", "rising": "went up"}) for s in facts.scores]
    if facts.labs:
        lines.append(
            "Test results: "
            + "; ".join(f"{lab.name} {lab.value}{' ' + lab.unit if lab.unit else ''}" for lab in facts.labs)
            + "."
        )
    if facts.doses:
        doses = [" ".join(p for p in (d.drug, f"{d.amount} {d.unit}", d.frequency) if p) for d in facts.doses]
        lines.append("Doses named: " + "; ".join(doses) + ".")
    current = facts.current_treatments
    if current:
        lines.append(f"Taking now: {_join(current)}.")
    previous = [t for t in facts.treatments if t.status == "previous"]
    if previous:
        notes = {"responded": " (it worked)", "inadequate": " (not enough)", "intolerant": " (side effects)"}
        lines.append(f"Taken before: {_join([t.name + notes.get(t.response, '') for t in previous])}.")
    if current and facts.therapy_failing:
        verb = "has" if len(current) == 1 else "have"
        lines.append(f"So far: {_join(current)} {verb} not kept it under control.")
    elif facts.inadequate_response:
        lines.append("So far: treatment has not worked well enough.")
    if not lines:
        lines.append("The question gives no personal details, so the answer is general.")
    return lines
