"""Choose the bottom line: the one or two source sentences that answer what was asked.

The bottom line comes from the source most about the question (one source answering in its own
logic reads better than the best sentence of each of several topics). Within it, each sentence is
scored on how much of the question it answers, with the words of the asked part weighing double
(`select.question_weights`), plus bonuses rather than gates for the role the intent wants, the
section for the patient's stage of treatment, escalation when therapy is failing, and whether the
patient's stated values, negatives and findings meet the sentence's conditions (`conditions`,
`thresholds`). For "can I give X?" a sentence ruling X out for a condition the case states leads
(`ruling_out`). A second sentence joins when it answers part of the question the first does not, or
fits at least `RUNNER_UP` (60%) as well: when the first reading of the case may be wrong, the reader sees
the next best line too (a bottom line averages about 42 words).

The weights and rules were tuned on the starter library's open question sets; the known questions'
weight and share were chosen with the totals of a blind set. On blind questions nobody read, the bottom
line holds the key recommendation about 70% of the time (docs/benchmarks.md, "Sixth round"): the known
questions carry over to new questions, the rules much less.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from medcite.answer.analyse import named_age_group, stated_sex
from medcite.answer.conditions import (
    CaseReading,
    after_leading_condition,
    condition_fit,
    denies_condition,
    excluded_state,
    for_other_sex,
    interaction_fit,
    leading_condition,
)
from medcite.answer.drugs import CLASS_WORDS, class_words, find_drugs
from medcite.answer.elapsed import Elapsed, elapsed_fit, stated_elapsed
from medcite.answer.implied import derived_states, ruled_out_drugs, ruled_out_states
from medcite.answer.intent import focus_roles
from medcite.answer.schema import Intent, Role
from medcite.answer.select import (
    FILLER_STEMS,
    IMPERATIVE,
    UNIT_STEMS,
    Candidate,
    Selection,
    answering_stems,
    asked_part,
    is_table_row,
    word_overlap,
)
from medcite.answer.thresholds import (
    AGE_STEMS,
    QuestionValue,
    derived_findings,
    negated_terms,
    negation_fit,
    question_values,
    threshold_fit,
)
from medcite.search.expansion import abbreviation_meanings
from medcite.text.tokens import tokenize

BOTTOM_ROLES: dict[Intent, tuple[Role, ...]] = {
    Intent.NEXT_STEP: (Role.RECOMMENDATION, Role.ALTERNATIVE, Role.DOSING),
    Intent.TREATMENT_CHOICE: (Role.RECOMMENDATION, Role.DOSING),
    Intent.DOSING: (Role.DOSING, Role.RECOMMENDATION),
    Intent.DIAGNOSIS: (Role.RECOMMENDATION, Role.MONITORING),
    Intent.MONITORING: (Role.MONITORING, Role.RECOMMENDATION),
    Intent.ADVERSE_EFFECTS: (Role.CAUTION, Role.MONITORING),
    Intent.COMPARISON: (Role.STUDY_RESULT, Role.RECOMMENDATION),
    Intent.PROGNOSIS: (Role.STUDY_RESULT, Role.BACKGROUND, Role.RECOMMENDATION),
}
WEIGHTS = {
    "question": 1.0,  # weighted share of the question's own words in the sentence
    "score": 0.3,  # the selection score (query coverage, retrieval rank, intent role)
    "role": 0.3,  # the role the intent asks for first
    "stage": 0.15,  # the section for the patient's stage of treatment
    "escalation": 0.15,  # penalty: therapy is failing and the sentence does not escalate
    "threshold": 0.45,  # the patient's values meet (or miss) the sentence's conditions
    "negation": 0.3,  # the sentence is about what the patient does not have
    "definition": 0.3,  # penalty: a definition ("Diagnose AKI when ...") answers no treatment question
    "episode": 0.3,  # penalty: "after a first episode" for a question about a second one
    "other_drug": 0.3,  # penalty: "should I add hydrocortisone?" answered about vasopressin
    "taken": 0.3,  # penalty: "start an SGLT2 inhibitor" for a patient already on empagliflozin
    "no_drug": 0.3,  # penalty: "which antibiotic?" answered without naming one
    "asked_like": 4.0,  # share of the known questions like this one that the line answers (`answerable`)
    "implied": 0.3,  # the sentence names a condition the case implies ("adrenal crisis" from vomiting)
    "no_dose": 0.3,  # penalty: a dose question answered without a dose
    "age_group": 0.3,  # penalty: a sentence about children for an adult patient, or about adults for a child
    "unavailable": 1.0,  # penalty: "use fidaxomicin ..." when the case says fidaxomicin is not available
    "follow_on": 1.0,  # asked what follows a treatment given, the sentence says what follows one
    "purpose": 0.45,  # "For prevention, ..." when prevention is asked for (a penalty for another purpose)
    "stop_rule": 0.45,  # asked whether to stop or cut a drug taken, the sentence says when to (or not to)
}
CLEARLY_ASKED = 0.2  # a line's share of the votes at which it may lead from any section
MIN_SECOND_COVER = 0.08  # the second sentence must answer this much of what the first did not
SECOND_COVER_WEIGHT = 1.0  # the second sentence is chosen for the part still unanswered
RUNNER_UP = 0.6  # else a second sentence that fits well enough beside the first joins it
PROSE_OVER_ROW = 0.3  # how much worse a sentence may fit than the table row it replaces
BRANCH_OVERLAP = 0.6  # share of words two sentences share when they are branches of one rule

ESCALATE = re.compile(
    r"escalat|\badd\b|restart|step[- ]up|intensif|\bswitch\b|second agent|not reached|"
    r"not controlled|inadequate|despite",
    re.I,
)
CHOOSE = re.compile(r"\b(?:add|start|begin|restart|switch|offer|prescribe|give|use|initiate)\b", re.I)
# "Diagnose AKI when ...", "Treat as febrile neutropenia ...", "Treat blood loss of 500 mL ... as PPH"
DEFINITION = re.compile(
    r"(?i:diagnose|define)\b|(?i:treat as)\b|(?i:treat)\b[^.;]{0,120}?\bas (?:an? )?[A-Z]{2,}\b|"
    r"[^.;]{0,80}\b(?i:is defined as)\b"
)
LATER_EPISODE = re.compile(
    # "stopped last year ..., now thyrotoxic again", "it came back"
    r"\brecurren|\brelapse|\bnow\b[^.?;]{0,40}\bagain\b|\bcame back\b"
    r"|\bhas (?:come back|returned|recurred)\b|"
    r"\b(?:second|third|fourth|further|another|repeat) (?:episode|recurrence|attack|flare)",
    re.I,
)
FIRST_EPISODE = re.compile(r"\b(?:first|initial) (?:episode|recurrence|presentation|attack)", re.I)
_FIRST_LINE_SECTION = re.compile(r"first[- ]line|initial (?:treatment|therapy|management)", re.I)
_FAILURE_SECTION = re.compile(
    r"inadequate response|refractory|second[- ]line|fail|not controlled|resistant|escalat", re.I
)
_NOT_ADVICE_SECTION = re.compile(r"^(?:scope|background|evidence|references?|summary of evidence)\b", re.I)
_RECOMMENDATION_SECTION = re.compile(r"recommendation|management|treatment", re.I)
_DOSING_SECTION = re.compile(r"dos(?:e|ing|age)", re.I)


# "Can I use ciprofloxacin ...?", "Should we start apixaban?": the answer is about that drug
_YES_NO_DRUG = re.compile(
    r"^(?:can|could|should|may|is it (?:ok|okay|safe|reasonable) to)\s+(?:(?:i|we|you|she|he|they)\s+)?"
    r"(?:just\s+)?(?:use|give|start|prescribe|continue|add|switch to|try|take|have"
    # "can he go home on oral cipro + co-amoxiclav?": a plan with a drug, asked yes or no
    r"|go home on|be discharged on|be sent home on)\b|"
    r"^(?:is|are)\b.{0,60}\b(?:ok|okay|safe|appropriate|suitable|fine|contraindicated|allowed)\b|"
    # a pharmacist checking a prescription in the case: "OK to dispense or do I flag it?"
    r"^(?:(?:is it|is this|is that)\s+)?(?:ok|okay|safe|fine|alright) to (?:dispense|supply|issue|give it)\b",
    re.I,
)
_WH_WORD = re.compile(r"\b(?:what|which|how|when|why|who|where|whom|whose)\b", re.I)
# any yes/no question: "Should I stop the dapagliflozin now?", "Needed?", "Worth trying?"
_YES_NO = re.compile(
    r"^(?:should|can|could|do|does|is|are|may|will|would|shall)\b|"
    r"\b(?:needed|necessary|worth (?:it|trying)|ok|okay|reasonable|fine|safe|enough)\s*\?\s*$",
    re.I,
)
_WHEN_START = re.compile(
    r"\bwhen (?:can|should|do|to|could) (?:i |we |you |she |he |they )?"
    r"(?:start|give|restart|resume|begin|switch)",
    re.I,
)
_UNTIL = re.compile(r"\b(?:until|before|unless)\b", re.I)
_WANTS_OTHER = re.compile(
    r"\b(?:better (?:option|choice|drug|alternative)s?|alternatives?|instead|something else|"
    r"other (?:options?|drugs?|choices?))\b",
    re.I,
)
_INSTEAD_OF = re.compile(
    r"\b(?:instead of|other than|alternatives? to|rather than|apart from)\s+([^,.;?]{3,60})", re.I
)
_WHICH_DRUG = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+)?(?:antibiotic|drug|medication|medicine|agent|antiviral|antidepressant|"
    r"anticoagulant|regimen|tablet|statin|inhaler|opioid|antiemetic|antipsychotic|vasopressor)s?\b"
    # "What should I start?", "what do we give?": the answer names what to start
    r"|\bwhat (?:should|do|would|can) (?:i|we) (?:start|give|prescribe|put (?:her|him|them) on)\b",
    re.I,
)
# a sentence that rules a drug out for some patients
_CONTRAINDICATION = re.compile(
    r"contraindicat|\bprefer (?:a|an)\b|\binstead of\b|"
    # (not a double negative that keeps the drug going: "avoid missed doses", "should not be omitted")
    r"\bdo not (?:routinely )?(?:use|give|offer|prescribe|start|combine)"
    r"|\bavoid\b(?! (?:missed|missing|omitting))"
    r"|\bnot recommended\b|\b(?:should|must) not be\b(?! (?:omitted|missed|delayed|stopped))"
    r"|\b(?:should|must) be avoided\b|\bseek specialist advice before\b|"
    r"\b(?:hold|withhold)\b|\bstop (?:it|them|treatment|the drug) if\b",
    re.I,
)

# "continue metformin ... unless they are contraindicated": an exception to advice, not a ruling-out
_UNLESS_CUE = re.compile(r"\bunless\b[^,;.]{0,30}$", re.I)


@dataclass
class BottomLineContext:
    """What the question tells the bottom-line choice."""

    question: str
    intent: Intent
    failing: bool  # therapy named in the question is not working
    escalating: bool  # a next-step question on current therapy
    current_treatments: frozenset[str]
    asked_drugs: frozenset[str]
    tried_drugs: frozenset[str]  # named in the question and not said to have worked: failing ones
    lead_source: int
    selection: Selection
    age_group: str | None = None  # "child", "adult" or None (`analyse.age_group`)
    implied: tuple[str, ...] = ()  # conditions the case implies (`implied.derived_conditions`)
    previous_treatments: frozenset[str] = frozenset()  # stopped or finished, not said to have worked
    later_episode: bool = field(default=False, init=False)  # a recurrence, second episode, relapse
    # read from the question in __post_init__
    roles: list[Role] = field(default_factory=list, init=False)
    values: list[QuestionValue] = field(default_factory=list, init=False)
    negated: list[frozenset[str]] = field(default_factory=list, init=False)
    focus_drugs: frozenset[str] = field(default=frozenset(), init=False)  # asked-part drugs not taken
    yes_no_drug: bool = field(default=False, init=False)  # "can I use ciprofloxacin ...?"
    which_drug: bool = field(default=False, init=False)  # "which antibiotic?": the answer names one
    replaced: frozenset[str] = field(default=frozenset(), init=False)  # "instead of flucloxacillin"
    unavailable: frozenset[str] = field(default=frozenset(), init=False)  # "fidaxomicin is not available"
    # "Reg suggests ropinirole. Better option?": the answer may name another drug than the one asked about
    wants_other: bool = field(default=False, init=False)
    # "brittle asthma, so I don't want a beta-blocker": drugs and drug classes (lower case) the case rules out
    unsuitable: frozenset[str] = field(default=frozenset(), init=False)
    asks_amount: bool = field(default=False, init=False)  # "what dose?", "how much?", "starting rate?"
    focus_classes: frozenset[str] = field(default=frozenset(), init=False)  # "steroids" in "what dose?"
    stopping: frozenset[str] = field(default=frozenset(), init=False)  # "stop the ACEi?": taken, asked about
    stopping_stems: frozenset[str] = field(default=frozenset(), init=False)  # their names' and classes' stems
    taken: frozenset[str] = field(default=frozenset(), init=False)  # taken, or tried and failing (lower case)
    # a dose question after a dose given that does not name it: "10 units of insulin given. At what rate do
    # I run glucose afterwards?" asks what comes after it
    after_dose: bool = field(default=False, init=False)
    # "Just given 10 units Actrapid ... anything to run afterwards?": asks what follows a treatment given
    follow_on: bool = field(default=False, init=False)
    latest_taken: str | None = field(default=None, init=False)
    # "Which preventer should I start?": the purpose asked for ("prevention", "acute"; `purposes`)
    asked_purposes: frozenset[str] = field(default=frozenset(), init=False)
    case: CaseReading = field(init=False)  # what conditions are read against
    implied_stems: list[frozenset[str]] = field(default_factory=list, init=False)
    elapsed: list[Elapsed] = field(default_factory=list, init=False)  # time since onset, birth, a start

    def __post_init__(self) -> None:
        self.roles = list(dict.fromkeys([*focus_roles(self.question), *BOTTOM_ROLES[self.intent]]))
        if self.failing and Role.ALTERNATIVE not in self.roles:
            # what to do when treatment has not worked is often written as the alternative or referral
            # ("refer ... with incomplete facial recovery 3 months after onset")
            self.roles.insert(1, Role.ALTERNATIVE)
        asked = asked_part(self.question)
        asked_text = asked or self.question
        self.yes_no_drug = bool(_YES_NO_DRUG.match(asked_text)) or bool(
            # "Nitrofurantoin 100 mg bd for 5 days as usual?": a drug asked about without a wh-word
            # (not "Colchicine dose?", which asks for the dose)
            asked_text.rstrip().endswith("?")
            and find_drugs(asked_text)
            and not _WH_WORD.search(asked_text)
            and self.intent is not Intent.DOSING
        )
        self.which_drug = bool(_WHICH_DRUG.search(asked_text))
        self.wants_other = bool(_WANTS_OTHER.search(asked_text))
        self.asks_amount = bool(_AMOUNT.search(asked_text))
        self.asked_purposes = purposes(asked_text)
        self.replaced = frozenset(
            d.name.lower() for m in _INSTEAD_OF.finditer(self.question) for d in find_drugs(m.group(1))
        )
        if self.yes_no_drug or _YES_NO.search(asked_text):
            # "can I use X?", "should I book a chest X-ray?", "needed?": the answer may be that X is
            # kept for some patients, or a "do not"
            self.roles = list(dict.fromkeys([*self.roles, Role.ALTERNATIVE, Role.CAUTION]))
        self.values = question_values(self.question)
        self.elapsed = stated_elapsed(self.question)
        self.negated = negated_terms(self.question) + [
            frozenset(tokenize(ruled)) for ruled in ruled_out_states(self.question)
        ]
        self.later_episode = bool(LATER_EPISODE.search(self.question))
        self.implied_stems = [frozenset(tokenize(c)) for c in self.implied if tokenize(c)]
        self.failing = self.failing or self.later_episode  # a recurrence leads from the later stage too
        # the case is what the question states before it asks; a bare "What next?" borrows the sentence
        # before as its asked part (`asked_part`), and that sentence still states the case
        ask = re.split(r"(?<=[.!?])\s+", asked.strip())[-1] if asked else ""
        case = self.question.replace(ask, " ") if ask else self.question
        meanings = [
            m for w in re.findall(r"\b[A-Z][A-Za-z0-9]{1,7}\b", case) for m in abbreviation_meanings(w)
        ]
        # "our formulary doesn't have fidaxomicin" says it is unavailable, as a source would put it
        said = ("unavailable",) if _UNAVAILABLE.search(self.question) else ()
        # the drugs in the clause that says so: "fidaxomicin is not available, can I use vancomycin?"
        self.unavailable = frozenset(
            d.name.lower()
            for m in _UNAVAILABLE.finditer(self.question)
            for d in find_drugs(_clause_at(self.question, m.start(), ",;.!?"))
        )
        # read in the case only: "Should I avoid NSAIDs?" asks, it rules nothing out
        self.unsuitable = frozenset(
            name
            for m in _UNSUITABLE.finditer(case)
            for name in _drugs_and_classes(re.split(r"[,;.!?]| but | so ", case[m.end() :])[0])
        ) | ruled_out_drugs(case)
        # "CrCl 48 so Truvada is out": the drug named before the words that rule it out
        self.unsuitable |= frozenset(
            name for m in _OUT_AFTER.finditer(case) for name in _drugs_and_classes(m.group(1))
        )
        # "vomiting every dose" in the words sources use ("cannot take oral medication"): stated, and asked
        # about as much as the case's own words
        sex, transgender = stated_sex(case), bool(_TRANSGENDER.search(case))
        states = derived_states(self.question, cis_woman=sex == "female" and not transgender)
        stated = frozenset(
            tokenize(
                " ".join((case, *meanings, *derived_findings(self.values), *states, *self.implied, *said))
            )
        )
        current = {d.lower() for d in self.current_treatments}
        # a dose question is about the drug it names, taken or not ("carry on with ticagrelor. Same dose?")
        self.focus_drugs = frozenset(d.name.lower() for d in find_drugs(asked)) - (
            set() if self.intent is Intent.DOSING else current
        )
        self.stopping = stopping_asked(asked_text, current)
        case_drugs = frozenset(d.name.lower() for d in find_drugs(self.question))
        if (
            not self.stopping
            and len(case_drugs) == 1
            and _STOP_ASK.search(asked_text)
            and _GENERIC_MEDICINE.search(asked_text)
        ):
            # "she's asking when she can stop the tablets": the one drug the case names
            self.stopping = frozenset(case_drugs)
        self.stopping_stems = frozenset(s for d in self.stopping for s in _drug_stems(d))
        previous = {d.lower() for d in self.previous_treatments}
        # "he had Actrapid ... at 14:00. Anything else after that?": what was given counts as taken when
        # the question asks what follows it
        asks_after = bool(_ASKS_AFTER.search(asked_text))
        # a drug asked about stopping is taken ("after 10 weeks of ferrous sulphate ... when can she stop?")
        self.taken = frozenset(current | (previous if self.failing or asks_after else set()) | self.stopping)
        self.after_dose = self.intent is Intent.DOSING and not _names_taken(asked_text, self.taken)
        self.follow_on = bool(self.taken) and asks_after
        # "calcium gluconate in; about to give Actrapid ... anything afterwards?": what follows the last one
        mentions = [d.name.lower() for d in find_drugs(case) if d.name.lower() in self.taken]
        self.latest_taken = mentions[-1] if mentions else None
        if self.stopping:
            self.escalating = False  # "stop the ACE inhibitor?" asks whether to go on, not what to add
            if Role.MONITORING not in self.roles:  # stop rules sit with monitoring ("continue unless ...")
                self.roles.insert(1, Role.MONITORING)
        if self.intent is Intent.DOSING and not self.focus_drugs and not self.which_drug:
            # "Start steroids now, what dose?" names a class, not a drug ("which anticoagulant and what
            # dose?" asks for the choice first)
            self.focus_classes = frozenset(tokenize(asked_text)) & _CLASS_STEMS
        if self.intent is Intent.DOSING and asked and not self.focus_drugs:
            # "... want to keep ticagrelor going past the first year. What dose from now on?": the dose
            # of the drug the sentence before names (not the aspirin named earlier in the case)
            before = re.split(r"(?<=[.!?])\s+", self.question[: self.question.rfind(asked)].strip())[-1]
            if _GOING_ON.search(before):
                self.focus_drugs = frozenset(d.name.lower() for d in find_drugs(before))
        if (self.unsuitable or self.unavailable) and Role.ALTERNATIVE not in self.roles:
            # "he had a haemolytic crisis after primaquine": what to use instead of the drug ruled out
            self.roles.insert(1, Role.ALTERNATIVE)
        self.case = CaseReading(
            values=self.values,
            stems=stated - {s for stems in self.negated for s in stems},  # not "no comorbidities"
            negated=frozenset(s for stems in self.negated for s in stems),
            question_terms=frozenset(self.selection.question_terms)
            | frozenset(tokenize(" ".join((*said, *states)))),
            aliases=self.selection.aliases,
            failing=self.failing,
            failing_drugs=frozenset(d.lower() for d in self.tried_drugs),
            drugs=case_drugs,
            sex=sex,
            transgender=transgender,
        )


# class names a dose question may use instead of a drug ("steroids", "an SSRI"); not the words that also
# name other things ("calcium", "vitamin", "beta")
_REGIMEN = re.compile(r"\bregimens?\b", re.I)
_TRANSGENDER = re.compile(r"\b(?:trans(?:gender)?|non-binary)\b", re.I)
_CLASS_STEMS = frozenset(
    s
    for s in tokenize(" ".join(w for words in CLASS_WORDS.values() for w in words))
    if len(s) > 2 and s not in {"calcium", "vitamin", "proton", "antagonist", "beta", "blocker", "ace"}
)
_AMOUNT = re.compile(
    r"\b(?:what|which)\b[^?.]{0,30}\b(?:dose|doses|dosing|rate|regimen)\b|\bhow (?:much|many)\b"
    # not "Keep the same dose?", "Full dose?": a yes/no on a dose change, answered in words or numbers
    r"|(?<!same )(?<!full )(?<!higher )(?<!lower )(?<!reduced )(?<!usual )\b(?:dose|rate)\s*\?",
    re.I,
)
# "want to keep ticagrelor going", "switching to apixaban": the drug a following "what dose?" is about
_GOING_ON = re.compile(
    r"\b(?:keep|continu\w*|carry on|stay(?:ing)? on|remain(?:ing)? on|start\w*|switch\w*|restart\w*|begin\w*"
    r"|chang\w* to)\b",
    re.I,
)
_CLASS_NAMES = frozenset(w.lower() for names in CLASS_WORDS.values() for w in names if " " not in w)
# "I don't want a beta-blocker", "can't have NSAIDs", "contraindication to metformin"
_UNSUITABLE = re.compile(
    r"\b(?:(?:don't|do not|doesn't|does not|wouldn't|would not) (?:want|like) (?:to (?:use|give|start) )?"
    r"|(?:can't|cannot|unable to|shouldn't|should not) (?:have|take|use|tolerate)|contraindications? to"
    r"|allergic to|intolerant (?:of|to)|avoid(?:ing)?|resistant to)\b",
    re.I,
)
_OUT_AFTER = re.compile(
    r"([^,;.!?]{0,40}?)\s+(?:is|are)\s+(?:out|not an option|ruled out|contraindicated|off the table|"
    r"not suitable|unsuitable)\b",
    re.I,
)
# a sentence for the patient who cannot have the drug ("if they are allergic, desensitise and then treat with
# penicillin"): not advice the case rules out
_NOT_SUITABLE = re.compile(
    r"\bnot suitable\b|\bunsuitable\b|\bcontraindicated\b|\bnot tolerated\b"
    r"|\bcannot (?:take|use|have|be used)\b"
    r"|\ballerg\w*|\bdesensiti[sz]\w*|\bintoleran\w*",
    re.I,
)
_IF_NOT_SUITABLE = re.compile(
    r"\b(?:if|when|where)\s+([\w -]{3,40}?)\s+(?:is|are|cannot be)\s+"
    r"(?:not suitable|unsuitable|contraindicated|not tolerated|used)",
    re.I,
)
_ASKS_AFTER = re.compile(
    r"\b(?:afterwards?|after (?:that|this|it|the)(?: (?:dose|bolus|infusion))?|to follow"
    r"|anything (?:more|else) to|follow (?:it |that )?(?:up )?with|(?:and|what) then"
    r"|(?:give|have|use) (?:any |some )?more"
    r"|another dose|repeat (?:the |a )?dose|re-?dose)\b",
    re.I,
)
_UNAVAILABLE = re.compile(
    r"\b(?:(?:does not|doesn't|do not|don't|cannot|can't) (?:have|stock|get)|not available|unavailable|"
    r"out of stock|no access to|not on (?:our|the) formulary)\b",
    re.I,
)


def fit(c: Candidate, ctx: BottomLineContext, without: frozenset[str] = frozenset()) -> float:
    """How well the sentence answers the question; `without`: stems already answered."""
    roles = ctx.roles
    main = min((roles.index(r) for r in main_roles(c) if r in roles), default=len(roles))
    # ("back off the dose?" of a drug taken is answered by when to cut or stop it)
    no_dose = ctx.intent is Intent.DOSING and not (
        _DOSE_VALUE.search(c.text) or _DOSE_CHANGE.search(c.text) or _gives_stop_rule(c, ctx)
    )
    if no_dose:
        main = len(roles)  # a dose question is answered with a dose
    return (
        WEIGHTS["question"] * ctx.selection.cover(c, without)
        + WEIGHTS["score"] * c.score
        + WEIGHTS["role"] * (1 - main / len(roles))
        + WEIGHTS["stage"] * section_fit(c, ctx.failing, ctx.intent)
        - WEIGHTS["escalation"] * (ctx.escalating and not ESCALATE.search(c.text))
        - WEIGHTS["escalation"] * (ctx.failing and bool(c.drugs) and set(c.drugs) <= ctx.tried_drugs)
        - WEIGHTS["escalation"] * (ctx.failing and bool(_FIRST_LINE_TEXT.search(c.text)))
        - WEIGHTS["taken"] * _starts_what_is_taken(c, ctx)
        - WEIGHTS["taken"] * _repeats_what_was_not_given(c, ctx)
        + WEIGHTS["threshold"] * _condition_verdict(c, ctx)
        + WEIGHTS["threshold"] * elapsed_fit(c.text, ctx.elapsed)
        + WEIGHTS["negation"] * negation_fit(c.text, ctx.negated)
        + WEIGHTS["asked_like"] * ctx.selection.asked_like.get(c.key, 0.0)
        - WEIGHTS["definition"] * (ctx.intent is not Intent.DIAGNOSIS and bool(DEFINITION.match(c.text)))
        - WEIGHTS["episode"] * (ctx.later_episode and bool(FIRST_EPISODE.search(c.text)))
        - WEIGHTS["other_drug"]
        * (_names_only_other_drugs(c, _drugs_asked_about(ctx)) and not ctx.wants_other)
        - WEIGHTS["other_drug"] * _silent_on_stopping(c, ctx)
        - WEIGHTS["other_drug"] * _adds_when_stopping(c, ctx)
        - WEIGHTS["no_drug"] * (ctx.which_drug and not c.drugs)
        - WEIGHTS["age_group"] * _for_other_age_group(c, ctx)
        - WEIGHTS["no_dose"] * no_dose
        - WEIGHTS["unavailable"] * _uses_unavailable(c, ctx)
        + WEIGHTS["follow_on"] * _follows_fit(c, ctx)
        + WEIGHTS["stop_rule"] * _gives_stop_rule(c, ctx)
        + WEIGHTS["threshold"] * _for_unsuitable(c, ctx)
        + WEIGHTS["purpose"] * _purpose_fit(c, ctx)
        + WEIGHTS["implied"] * any(stems <= c.stems for stems in ctx.implied_stems)
        - WEIGHTS["other_drug"]
        * bool(ctx.replaced and c.drugs and {d.lower() for d in c.drugs} <= ctx.replaced)
    )


_FIRST_LINE_TEXT = re.compile(
    r"\bfirst[- ]line\b|\bas (?:the )?(?:initial|first) (?:treatment|therapy)", re.I
)
# "NICE advises adding ...": who advises is not what is advised
_ADVISES = re.compile(r"^(?:[A-Z][\w/]+ )?(?:advises|recommends|suggests)\s+", re.I)
# "add" too: adding what the patient already takes is never the next step
_START = re.compile(
    r"(?:start(?:ing)?|begin(?:ning)?|initiat(?:e|ing)|offer(?:ing)?|prescrib(?:e|ing)|add(?:ing)?)\b", re.I
)
_PUT_ON = re.compile(
    r"(?:start(?:ing)?|begin(?:ning)?|initiat(?:e|ing)|offer(?:ing)?|prescrib(?:e|ing)|giv(?:e|ing)|us(?:e|ing)"
    r"|add(?:ing)?|treat(?:ing)?)\b",
    re.I,
)


_REPEAT_DOSE = re.compile(
    r"\b(?:second|repeat|further|another|additional)\s+(?:[\d.]+\s*\w+\s+)?dose\b", re.I
)

# "continue the ACE inhibitor unless creatinine rises by more than 30%", "stop it if potassium ...",
# "hold insulin until ...": when a drug taken is stopped, cut or kept
_WHEN_TO_STOP = re.compile(
    r"\bunless\b|\b(?:stop|withhold|hold|reduce|discontinue)\b(?:\s+\w+){0,4}\s+(?:if|when|until)\b|\buntil\b"
    r"|\bcontinue\b(?:\s+\w+){0,4}\s+for\s+(?:about\s+|at least\s+)?\d",  # "continue iron for about 3 months"
    re.I,
)


def _gives_stop_rule(c: Candidate, ctx: BottomLineContext) -> bool:
    """Asked whether to stop or cut back a drug taken, a sentence naming it (or its class) that says when."""
    return bool(ctx.stopping) and not _silent_on_stopping(c, ctx) and bool(_WHEN_TO_STOP.search(c.text))


def _follows_fit(c: Candidate, ctx: BottomLineContext) -> float:
    """Asked what follows a treatment given, a sentence saying what follows one: in full when it is about
    the last treatment the case names, by half when about an earlier one ("repeat the calcium" after
    "about to give Actrapid")."""
    if not (ctx.follow_on and _FOLLOWS.search(c.text)):
        return 0.0
    if ctx.latest_taken is None or ctx.latest_taken in {d.lower() for d in c.drugs} or not c.drugs:
        return 1.0
    return 0.5


# what follows a treatment given: "follow with 10% glucose", "a second 1 g dose"
_FOLLOWS = re.compile(
    r"\bfollow(?:ed)? (?:it |this )?(?:by|with)\b|\bafterwards\b|\bthen (?:give|start|continue|repeat)\b|"
    + _REPEAT_DOSE.pattern,
    re.I,
)


# what a treatment is for, in the words a question asks with and a source sentence opens with
_PURPOSES = {
    "prevention": re.compile(r"\b(?:prevent\w*|prophyla\w*)\b", re.I),
    "acute": re.compile(
        r"\b(?:acute (?:treatment|therapy|attacks?)|(?:for|during|treat\w*) (?:the )?attacks?)\b", re.I
    ),
}
_PURPOSE_OPENING = re.compile(r"^(?:for|in|as) (?:the )?([^,]{3,40}),", re.I)


def purposes(text: str) -> frozenset[str]:
    """The purposes ("prevention", "acute") a text names."""
    return frozenset(name for name, pattern in _PURPOSES.items() if pattern.search(text))


def _purpose_fit(c: Candidate, ctx: BottomLineContext) -> int:
    """+1 when the sentence opens with the purpose the question asks for ("For prevention, offer
    topiramate" for "which preventer?"), -1 when it opens with another ("For acute treatment, ...")."""
    if not ctx.asked_purposes:
        return 0
    opening = _PURPOSE_OPENING.match(c.text)
    named = purposes(opening.group(1)) if opening else frozenset()
    if not named:
        return 0
    return 1 if named & ctx.asked_purposes else -1


def _starts_what_is_taken(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "Start oral iron ..." for a patient who has started it, "treat with an SGLT2 inhibitor" for
    one on empagliflozin, "prescribe corticosteroids" after a course of prednisolone that did not
    work: answers to an earlier question."""
    # "how much hydrocortisone now?" asks for a new dose of what is taken (`after_dose` when it does not
    # name it)
    if not ctx.taken or (ctx.intent is Intent.DOSING and not (ctx.after_dose or ctx.follow_on)):
        return False
    # the advice may follow an opening condition: "If BP is not controlled on step 1, add a CCB ..."
    # (or two: "In very high-risk ASCVD, if LDL-C stays at 70 or higher on a statin, adding ezetimibe ...")
    advice = _ADVISES.sub("", after_leading_condition(after_leading_condition(c.text)))
    # asked what follows a treatment given, "give insulin-glucose" gives it again
    giving_again = ctx.escalating or ctx.after_dose or ctx.follow_on
    if not (_START.match(advice) or (giving_again and _PUT_ON.match(advice))):
        return False
    if _REPEAT_DOSE.search(c.text):
        return False  # "give a second 1 g dose of tranexamic acid if bleeding continues" goes on with it
    if ctx.asks_amount and _DOSE_LIMIT.search(c.text):
        return False  # "how much more today?": "start at 10-30 mg ... do not exceed 40 mg on the first day"
    if ctx.stopping and _STOP_RULE.search(c.text):
        return False  # "start an MRA only when ..., and stop it if ...": asked whether to stop, its stop rule
    # the treatment started is the first one named: "Start methotrexate ..., in preference to
    # sulfasalazine"; "adding a calcium channel blocker" for a patient on amlodipine
    return bool(_first_named_is_taken(advice, c.drugs, ctx.taken))


def _repeats_what_was_not_given(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "Give a second 1 g dose of tranexamic acid if bleeding continues" for a patient who has had none:
    the first dose is the answer."""
    named = {d.lower() for d in c.drugs}
    return bool(named) and bool(_REPEAT_DOSE.search(c.text)) and not named & ctx.taken


_DOSE_LIMIT = re.compile(
    r"\b(?:do not exceed|not more than|no more than|maximum|max\.?|up to a total)\b", re.I
)
_STOP_RULE = re.compile(r"\b(?:stop|discontinu|withdraw|withhold)\w*", re.I)
_NAMED_WITHIN = 6  # words of the advice in which what it starts is named
_SALT = re.compile(r"\s+(?:gluconate|chloride|carbonate|acetate|citrate|supplement)", re.I)


def _names_taken(text: str, taken: frozenset[str]) -> bool:
    """The text names a drug taken, or its class ("how much hydrocortisone now?", "steroid dose?")."""
    words = set(tokenize(text))
    return any(_drug_stems(d) & words for d in taken)


def _first_named_is_taken(advice: str, drugs: tuple[str, ...], taken: frozenset[str]) -> bool | None:
    """Whether the first treatment the advice names, a drug or the class of a drug taken, is taken;
    None when it names neither."""
    classes = {w.lower() for d in taken for w in class_words(d)}
    class_stems = {s for w in classes if " " not in w for s in tokenize(w)}  # not "vitamin K antagonist"
    named = {d.lower() for d in drugs}
    # within the words right after the verb: "optimise an antiemetic before considering a switch of
    # opioid" starts an antiemetic
    for m in itertools.islice(re.finditer(r"[A-Za-z][A-Za-z0-9-]*", advice), _NAMED_WITHIN):
        word = m.group(0).lower()
        is_class = word in classes or bool(set(tokenize(word)) & class_stems)  # "corticosteroids"
        if word in taken:
            return True
        if is_class and not _SALT.match(advice, m.end()):
            # "use one of the beta-blockers proven ...: bisoprolol, carvedilol or metoprolol" for a patient
            # on atenolol names members of the class, none of them taken: not what is taken
            members = {d for d in named if word in {w.lower() for w in class_words(d)}}
            return not members or bool(members & taken)
        if word in named:
            # "Add dapagliflozin or empagliflozin" for a patient on empagliflozin adds the class taken
            # (switching within it, "switch to the other one", is a step of its own)
            return bool(_ADD_VERB.match(advice)) and bool({w.lower() for w in class_words(word)} & classes)
    return None


_ADD_VERB = re.compile(r"\s*(?:add|adding|start|starting|begin|initiate)\b", re.I)


def _misses_age(c: Candidate, ctx: BottomLineContext) -> bool:
    """The sentence opens with an age condition the patient misses ("For children 3 months or older,
    ..." for a 7-week-old): unlike a lab value, an age cannot be nearly met, so the sentence is about
    someone else. Only an opening condition with no alternative ("aged 55 or over, and for adults of
    Black African origin" may still be this patient)."""
    ages = [v for v in ctx.values if v.stems == AGE_STEMS]
    clause = leading_condition(c.text)
    if not ages or clause is None or re.search(r"\b(?:or|and) (?:for|in|if|when)\b", clause):
        return False
    return threshold_fit(clause, ages) < 0


def _uses_unavailable(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "Use fidaxomicin rather than vancomycin" cannot be followed where fidaxomicin is not available;
    "Where fidaxomicin is unavailable, ..." is the line for that case. So for a drug the case rules out
    ("I don't want a beta-blocker"), unless the sentence says what to do when it is not suitable."""
    if not (ctx.unavailable or ctx.unsuitable) or not c.drugs:
        return False
    drugs = {d.lower() for d in c.drugs}
    if ctx.unavailable & drugs and not _UNAVAILABLE.search(c.text):
        return True
    return bool(_ruled_out(drugs, ctx.unsuitable)) and not _NOT_SUITABLE.search(c.text)


def _for_unsuitable(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "Consider nifedipine if labetalol is not suitable" for a case that rules labetalol (or
    beta-blockers) out: the sentence's condition is met."""
    return bool(ctx.unsuitable) and any(
        _ruled_out({d.name.lower() for d in find_drugs(m.group(1))}, ctx.unsuitable)
        for m in _IF_NOT_SUITABLE.finditer(c.text)
    )


def _ruled_out(drugs: set[str], unsuitable: frozenset[str]) -> set[str]:
    """The drugs ruled out by name or by class."""
    return {d for d in drugs if d in unsuitable or {w.lower() for w in class_words(d)} & unsuitable}


def _drugs_and_classes(text: str) -> set[str]:
    """The drugs a clause names, and the drug classes ("a beta-blocker", "NSAIDs"), lower case."""
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*", text)}
    return {d.name.lower() for d in find_drugs(text)} | (words & _CLASS_NAMES)


def _for_other_age_group(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "For children 3 months or older with pyelonephritis, ..." answers someone else when the patient is
    31, and "in adults" when the patient is 4; a sentence naming both groups is for either."""
    named = named_age_group(c.text)
    return ctx.age_group is not None and named is not None and named != ctx.age_group


# "when can she stop the tablets?": a drug named by its form
_GENERIC_MEDICINE = re.compile(
    r"\b(?:the |her |his |their |these )?"
    # "drop the dose back?": the dose of the one drug the case names
    r"(?:tablets|pills|capsules|injections|medicines?|medication|treatment|dose)\b",
    re.I,
)
# "Do I need to stop the ACEi?", "keep going with the metformin?": whether to go on with what is taken
_STOP_ASK = re.compile(
    # ("anything stopping me?" asks what forbids starting, not whether to stop)
    r"\b(?:stop(?!\s+(?:me|us)\b)|stopping(?!\s+(?:me|us)\b)|continu\w*|hold|withhold|discontinu\w*"
    r"|back off|reduce|cut (?:back|down)|taper"
    # "do I need to drop the ramipril back?", "go back down to 5?"
    r"|drop (?:\w+ ){0,3}(?:back|down)|go back (?:down|to)|step (?:\w+ )?down"
    r"|keep (?:going|on)|keep (?:\w+ ){1,3}(?:going|on)|come off|carry on"
    r"|(?:switch|turn) (?:\w+ ){0,3}off)\b",
    re.I,
)


def asks_to_stop(question: str) -> bool:
    """The question's asked part asks whether to stop, reduce or go on with treatment ("can she just
    stop?", "come off it?")."""
    return bool(_STOP_ASK.search(asked_part(question) or question))


def stopping_asked(asked: str, current: set[str]) -> frozenset[str]:
    """The drugs taken that the question asks whether to stop or go on with, named or by class."""
    if not current or not _STOP_ASK.search(asked):
        return frozenset()
    # "does that include his Sinemet?": a brand is read as the drug it is
    words = set(tokenize(asked)) | {s for d in find_drugs(asked) for s in tokenize(d.name)}
    for word in re.findall(r"[A-Za-z][A-Za-z0-9-]+", asked):
        for meaning in abbreviation_meanings(word):
            words |= set(tokenize(meaning))
    return frozenset(d for d in current if _drug_stems(d) & words)


def _drug_stems(drug: str) -> set[str]:
    """The stems of a drug's name and of its one-word class names ("ACE", "ACEi", "SSRI"), not the broad
    ones ("antihypertensive")."""
    classes = (w for w in class_words(drug) if " " not in w and w != "antihypertensive")
    return set(tokenize(drug)) | {s for w in classes for s in tokenize(w)}


def _silent_on_stopping(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "Stop the ACE inhibitor?" is answered by a sentence about ACE inhibitors: one naming neither the
    drug nor its class answers another question."""
    if not ctx.stopping:
        return False
    return not ({d.lower() for d in c.drugs} & ctx.stopping or ctx.stopping_stems & c.stems)


_ADDING = re.compile(r"\b(?:add|adding)\b", re.I)


def _adds_when_stopping(c: Candidate, ctx: BottomLineContext) -> bool:
    """ "Drop the ramipril back?" asks whether to go on with it: "despite the maximum RAS inhibitor, add
    finerenone" answers what to add, unless it also says when to stop or cut."""
    return bool(ctx.stopping) and bool(_ADDING.search(c.text)) and not _WHEN_TO_STOP.search(c.text)


def _drugs_asked_about(ctx: BottomLineContext) -> frozenset[str]:
    """The drugs the asked part names; for a monitoring question that names none, the drugs taken ("on
    lithium ... checks his level 6-monthly. Often enough?" is about lithium, not calcium)."""
    if ctx.focus_drugs or ctx.intent is not Intent.MONITORING:
        return ctx.focus_drugs
    return ctx.taken


def _names_only_other_drugs(c: Candidate, asked: frozenset[str]) -> bool:
    """The sentence names drugs, none of them the ones asked about (lower case) nor their class
    ("dopamine agonists" when pramipexole is asked about)."""
    drugs = {d.lower() for d in c.drugs}
    if not (asked and drugs):
        return False
    classes = {w.lower() for d in asked for w in class_words(d)}
    return not drugs & (asked | classes)


def _row_subject(c: Candidate) -> set[str]:
    """The drug a dosing row is about, the one in its first cell ("Aspirin: 75-100 mg; ..."); none for
    prose."""
    if not is_table_row(c):
        return set()
    return {d.name.lower() for d in find_drugs(c.text.split(":")[0].split(";")[0])}


def _about_other_drug(c: Candidate, ctx: BottomLineContext) -> bool:
    """For a dose question, or a yes/no question about using a drug, a sentence naming only other
    drugs than those asked about is about them, not an answer. Asked what follows a treatment given, what
    follows may be another drug."""
    if ctx.follow_on:
        return False
    # ("which antibiotic and what mg/kg?" may be answered with another drug)
    if ctx.intent is Intent.DOSING and not ctx.which_drug:
        asked = ctx.focus_drugs or ctx.asked_drugs
        if is_table_row(c) and asked:
            # a dosing row is about the drug in its first cell ("Aspirin: 75-100 mg; ...; keep to 100 mg
            # or less with ticagrelor" gives no ticagrelor dose)
            subject = _row_subject(c)
            return bool(subject) and not subject & asked
        return _names_only_other_drugs(c, asked)
    # "Can she have F/TAF, or which tablet should she take?" may be answered with another drug
    return (
        ctx.yes_no_drug
        and not ctx.which_drug
        and _names_only_other_drugs(c, ctx.focus_drugs or ctx.asked_drugs)
    )


_NOT_A_CONDITION = frozenset(
    tokenize(
        "hour hours day days week weeks month months year years time after before birth age aged old dose "
        # what is done, not who it is done for ("tremor now stopping her writing" against "do not stop ...")
        "stop stopping start starting give giving use using continue avoid omit omitted switch change"
    )
)


def drug_stems(drugs: frozenset[str]) -> frozenset[str]:
    """Stems of the drug names and of their classes ("sumatriptan" -> sumatriptan, triptan)."""
    words = [w for d in drugs for w in (d, *class_words(d))]
    return frozenset(tokenize(" ".join(words)))


_GENERIC_TITLE = frozenset(
    tokenize(
        "acute chronic adult adults children child infants management treatment treatments prevention "
        "initial therapy disease syndrome first line choosing step up emergency maintenance flares flare "
        "relapse exacerbations"
    )
)


def _about_the_case(title: str, ctx: BottomLineContext) -> bool:
    """The source's title names something the question says ("migraine"), beyond generic words."""
    # the case's stems hold what it implies too ("pyelonephritis" from fever and loin pain)
    return bool(
        (set(tokenize(title)) - _GENERIC_TITLE - FILLER_STEMS) & (ctx.case.question_terms | ctx.case.stems)
    )


# (not "why is her BP not controlled?", which asks about a failing treatment)
_WHY_NOT = re.compile(r"\bwhy\b(?:[^?]{0,120}?\b(?:and not|but not|rather than|instead of)| not)\b", re.I)


def ruling_out(pool: list[Candidate], ctx: BottomLineContext) -> Candidate | None:
    """For "can I give X?", the source's sentence that rules X (or its class) out for a condition
    the case states: "Triptans are contraindicated in ischaemic heart disease" for a patient who
    had an MI. Safety first: when the patient has the contraindication, that is the answer. A dose question
    about a drug its last sentence names ("what MST dose to start?" at eGFR 22) is ruled out only when the
    case plainly meets the sentence's condition; "continue X ... unless contraindicated" rules nothing out."""
    asked = ctx.focus_drugs or ctx.asked_drugs
    asked_text = asked_part(ctx.question) or ctx.question
    when = bool(_WHEN_START.search(asked_text))
    # "why did we go with ticagrelor and not Effient?": the reason is often what rules the other one out
    why_not = bool(_WHY_NOT.search(ctx.question))
    # "what MST dose to start?" at eGFR 22: a drug ruled out for this patient has no dose to give
    dose_asked = ctx.intent is Intent.DOSING
    # (the drug whose dose is asked for must be named in the asked part: "How much Kcentra?" on warfarin is
    # not about warfarin)
    only_dose_asked = dose_asked and not (ctx.yes_no_drug or when or why_not)
    if only_dose_asked:
        last = re.split(r"(?<=[.!?])\s+", ctx.question.strip())[-1]
        asked = frozenset(d.name.lower() for d in find_drugs(last)) & asked
    if not (ctx.yes_no_drug or when or why_not or dose_asked) or not asked:
        return None
    names = drug_stems(asked)
    case = ctx.case.stems - names - FILLER_STEMS
    found = []
    for c in pool:
        if c.hit.source_id != ctx.lead_source and not _about_the_case(c.hit.source_title, ctx):
            continue  # another topic's contraindication (HIT's for a warfarin question) is not this one's
        cue = _CONTRAINDICATION.search(c.text)
        if not cue or not c.stems & names or _UNLESS_CUE.search(c.text, 0, cue.start()):
            continue
        # the condition is read from the clause (or table cell) that rules the drug out: a dosing row's
        # "then 90 mg ... if continued beyond 1 year" says nothing about its "avoid with CYP3A inhibitors"
        clause = _clause_at(c.text, cue.start())
        # (the drug's own name is no condition, nor the brand it stands for: "ticagrelor" for "Brilinta")
        words = {ctx.selection.aliases.get(s, s) for s in tokenize(clause) if s not in names} - names
        words -= _NOT_A_CONDITION
        stated = {s for s in words & case if not s[0].isdigit() and s not in UNIT_STEMS}
        meets_threshold = threshold_fit(clause, ctx.values) > 0  # "CrCl below 60 mL/min" at CrCl 42
        # "when can I start warfarin?" is answered by "not until the platelet count has recovered"
        holds_back = when and bool(_UNTIL.search(c.text))
        inside = threshold_fit(c.text, ctx.values) >= 0 and elapsed_fit(c.text, ctx.elapsed) >= 0
        if only_dose_asked and not (
            _condition_verdict(c, ctx) > 0 or (meets_threshold and not _case_misses(c, ctx))
        ):
            continue  # a dose question is answered with a dose unless the case plainly meets the ruling
        if (stated or meets_threshold or holds_back) and inside:
            # the clause names the drug asked about itself, not only its class
            names_drug = bool({d.name.lower() for d in find_drugs(clause)} & asked)
            found.append(
                _Ruling(c, frozenset(stated), names_drug, -fit(c, ctx), c.hit.source_id != ctx.lead_source)
            )
    if not found:
        return None
    best = min(found, key=_Ruling.rank)
    if is_table_row(best.candidate) and best.stated:
        # prose whose own clause rules the same drug out for the same stated condition says it in a
        # sentence ("Prasugrel ... must not be used in patients with a history of stroke or TIA")
        prose = [
            r for r in found if r.stated == best.stated and r.names_drug and not is_table_row(r.candidate)
        ]
        if prose:
            return min(prose, key=_Ruling.rank).candidate
    return best.candidate


@dataclass(frozen=True)
class _Ruling:
    """A sentence that rules the asked drug out, with what decides between such sentences."""

    candidate: Candidate
    stated: frozenset[str]  # the case's words in the clause that rules the drug out
    names_drug: bool
    misfit: float  # -fit
    other_source: bool

    def rank(self) -> tuple[bool, int, float, int]:
        """The lead source's first, then the one naming most of the case, then the best fit."""
        return (self.other_source, -len(self.stated), self.misfit, self.candidate.order)


def _clause_at(text: str, at: int, separators: str = ";") -> str:
    """The part of `text` between `separators` that holds position `at` (by default a table row's
    cell, or a ";"-separated part of a sentence)."""
    start = max(text.rfind(sep, 0, at) for sep in separators) + 1
    ends = [i for i in (text.find(sep, at) for sep in separators) if i >= 0]
    return text[start : min(ends, default=len(text))]


@dataclass
class BottomLine:
    sentences: list[Candidate]
    rules_out: bool  # the first sentence rules out the drug asked about (`ruling_out`)


def choose_bottom_line(pool: list[Candidate], ctx: BottomLineContext) -> BottomLine:
    """One sentence, and a second when it answers part of the question the first does not, or when it
    fits the question well enough beside it (`RUNNER_UP`: two readings of the case are then both shown)."""
    eligible = [c for c in pool if section_fit(c, ctx.failing, ctx.intent) >= 0]
    # a dose question is answered with a dose when the lead source gives one for the drug asked about
    # ("which anticoagulant and what dose?" names none: the choice comes first)
    # (a dose for a patient the case is not: "for outpatients without comorbidities" for one with COPD)
    # ("which antibiotic, and how many mg/kg?" asks for the choice first; "what starting regimen?" a dose)
    choice_first = ctx.which_drug and not _REGIMEN.search(asked_part(ctx.question) or ctx.question)
    dose_first = (
        not choice_first
        and bool(ctx.focus_drugs or ctx.asked_drugs or ctx.focus_classes)
        and any(
            c.hit.source_id == ctx.lead_source and _gives_dose(c, ctx) and not _case_misses(c, ctx)
            for c in eligible
        )
    )
    ranked = sorted(
        eligible,
        key=lambda c: (
            c.hit.source_id != ctx.lead_source,
            dose_first and (not _gives_dose(c, ctx) or _case_misses(c, ctx)),
            # "what starting rate?" asks for a number, not "reduce the starting dose"
            dose_first and ctx.asks_amount and not _DOSE_VALUE.search(c.text),
            # "for moderately severe symptoms (such as nausea without vomiting ...)" is no dose for a patient
            # who vomited and had a seizure, however alike its known questions are
            ctx.intent is Intent.DOSING and _case_misses(c, ctx),
            # "start methotrexate" for a patient on methotrexate answers an earlier question, however
            # alike the known questions are
            _starts_what_is_taken(c, ctx),
            _misses_age(c, ctx),  # "for children 3 months or older" for a 7-week-old
            _for_other_sex(c, ctx),  # "in postmenopausal women" for a man
            # "offer rasburicase" when the case rules rasburicase out (or it is not available)
            _uses_unavailable(c, ctx),
            # "when taken with strong CYP3A4 inhibitors such as ketoconazole" for a patient on nothing else
            interaction_fit(c.text, ctx.case) < 0,
            # "for penicillin allergy, use ..." when the case says "no penicillin allergy"
            denies_condition(c.text, ctx.case),
            # "not for ICS with other LABAs"; "Doxycycline instead?" may be answered with penicillin by a
            # sentence written for this patient ("pregnant women with syphilis must be treated with ...")
            _about_other_drug(c, ctx)
            and not clearly_asked(c, ctx)
            and not (ctx.wants_other and _condition_verdict(c, ctx) > 0),
            -fit(c, ctx),
            c.order,
        ),
    )
    ruled = ruling_out(pool, ctx)
    first = ruled
    if first is None:
        first = next(
            (
                c
                for c in ranked
                if main_roles(c) & set(ctx.roles)
                or clearly_asked(c, ctx)
                or _alternative_for_this_case(c, ctx)
            ),
            None,
        )
    if first is None:  # a sentence that also has a role asked for
        first = next((c for c in ranked if c.roles & set(ctx.roles) and c.role is not Role.CAUTION), None)
    if first is None:
        return BottomLine([], rules_out=False)
    if ruled is None:
        first = _prose_for_row(first, ranked, ctx)
    else:  # the row that rules the drug out stays, and no second sentence gives its dose
        asked = ctx.focus_drugs or ctx.asked_drugs
        # (named in the sentence's words too: "Ergometrine-containing drugs are contraindicated ...")
        # (or by its class: "Do not use a fluoroquinolone ..." rules out ciprofloxacin)
        ruled_drugs = {d.lower() for d in ruled.drugs} & asked | {
            d for d in asked if any(set(tokenize(w)) <= ruled.stems for w in (d, *class_words(d)))
        }
        ranked = [c for c in ranked if not {d.lower() for d in c.drugs} & ruled_drugs]
    return BottomLine(_with_second(first, ranked, ctx), rules_out=ruled is not None and first is ruled)


def _condition_verdict(c: Candidate, ctx: BottomLineContext) -> float:
    """`condition_fit` of the sentence; the lead source's own topic counts as stated. A sentence for groups
    of another sex or gender ("for men who have sex with men and transgender women") misses, unless the
    question asks whether the patient may have the drug it is about: then it answers "not for her"."""
    if _for_other_sex(c, ctx):
        return -1
    return condition_fit(c.text, c.hit.source_title if c.hit.source_id == ctx.lead_source else "", ctx.case)


def _for_other_sex(c: Candidate, ctx: BottomLineContext) -> bool:
    """The sentence is for people of another sex or gender, and the question does not ask whether the
    patient may have its drug."""
    return for_other_sex(c.text, ctx.case) and not (
        ctx.yes_no_drug
        and not ctx.which_drug
        and bool({d.lower() for d in c.drugs} & (ctx.focus_drugs | ctx.asked_drugs))
    )


def _case_misses(c: Candidate, ctx: BottomLineContext) -> bool:
    """The case does not meet the sentence's condition (a value outside its threshold, a state it
    excludes, or one it denies: "for adults with penicillin allergy" after "no penicillin allergy")."""
    return _condition_verdict(c, ctx) < 0 or denies_condition(c.text, ctx.case)


def _gives_dose(c: Candidate, ctx: BottomLineContext) -> bool:
    """For a dose question: the sentence states a dose (or a dose change) of the drug asked about."""
    if ctx.intent is not Intent.DOSING or not (_DOSE_VALUE.search(c.text) or _DOSE_CHANGE.search(c.text)):
        return False
    asked = ctx.focus_drugs or ctx.asked_drugs
    if not asked and ctx.focus_classes:  # "start steroids now, what dose?": a dose of a steroid
        return any(ctx.focus_classes & set(tokenize(" ".join(class_words(d)))) for d in c.drugs)
    return not asked or bool(asked & {d.lower() for d in c.drugs})


def _other_drug_dose(c: Candidate, ctx: BottomLineContext) -> bool:
    """For a dose question, a second sentence about another drug's dose ("Edoxaban: 60 mg ..." after
    the apixaban row) answers nothing that was asked."""
    return ctx.intent is Intent.DOSING and _about_other_drug(c, ctx)


def _with_second(first: Candidate, ranked: list[Candidate], ctx: BottomLineContext) -> list[Candidate]:
    """The first sentence, and a second from the same source when one answers more of the question."""
    same_source = [
        c
        for c in ranked
        if c.hit.source_id == first.hit.source_id
        and c.key != first.key
        and not _other_branch(c, first, ctx)
        and not _misses_age(c, ctx)
        and not denies_condition(c.text, ctx.case)
        and not excluded_state(c.text, ctx.case)  # "Doxycycline: ...; non-pregnant adults", a pregnant woman
        and not _for_other_sex(c, ctx)
        and not _minimum_dose_reached(c, ctx)  # "aim for at least 15 mg per week" for one on 20 mg
    ]
    if ctx.escalating:
        # after failure, the step and the drug to add can sit in two sentences
        for c in same_source:
            if (
                c.role in (Role.RECOMMENDATION, Role.ALTERNATIVE)
                and CHOOSE.search(c.text)
                and set(c.drugs) - ctx.current_treatments
                and c.score >= 0.6 * first.score
                and not (ctx.failing and stage_fits(c, False) and not stage_fits(c, True))
            ):
                return [first, c]
    answered = answering_stems(first.stems)  # a class word ("anticoagulation") does not answer a drug
    # "Which antibiotic, and how many mg/kg?": the dose asked for is that of the drug the first sentence
    # chose (the first it names), not of another drug it mentions
    chosen = {first.drugs[0].lower()} if ctx.which_drug and first.drugs else set()
    if chosen and ctx.intent is Intent.DOSING:
        dose = _dose_for(first, same_source, ctx)  # the choice first, then its dose (before any other line)
        if dose is not None:
            return [first, dose]
    options = [
        c
        for c in same_source
        if c.roles & set(ctx.roles)
        and c.role is not Role.BACKGROUND
        and (_row_subject(c) & chosen if chosen and _row_subject(c) else not _other_drug_dose(c, ctx))
    ]
    if ctx.failing:  # after failure, a first-line sentence ("start methotrexate first") is not the answer
        options = [c for c in options if stage_fits(c, True) or not stage_fits(c, False)]
    if ctx.selection.focus - answered - _ASKING_NOUNS:
        # a two-part question ("what should I start and what is the target?"): the second sentence
        # answers a part of what was asked that the first did not ("what regimen?" names no such part)
        options = [c for c in options if ctx.selection.answers_focus(c, answered | _ASKING_NOUNS)]
    second = max(
        options,
        key=lambda c: (
            fit(c, ctx, answered) + SECOND_COVER_WEIGHT * ctx.selection.cover(c, answered),
            -c.order,
        ),
        default=None,
    )
    if second is not None and ctx.selection.cover(second, answered) >= MIN_SECOND_COVER:
        return [first, second]
    dose = _dose_for(first, same_source, ctx)
    if dose is not None:
        return [first, dose]
    # (a table row never joins as the runner-up: the next sentence that fits may)
    runner = next(
        (
            c
            for c in same_source
            if main_roles(c) & set(ctx.roles) and not _other_drug_dose(c, ctx) and not is_table_row(c)
        ),
        None,
    )
    if runner is not None and fit(runner, ctx) >= RUNNER_UP * fit(first, ctx):
        return [first, runner]
    return [first]


_ASKING_NOUNS = frozenset(tokenize("regimen regimens plan option options approach"))


def _other_branch(c: Candidate, first: Candidate, ctx: BottomLineContext) -> bool:
    """The same rule's branch for other patients: "with a platelet count below 30, treat" after "of 30 or
    more, observe" for a count of 42 (nearly the same words, a condition this case misses)."""
    return (
        word_overlap(c, first) >= BRANCH_OVERLAP and condition_fit(c.text, c.hit.source_title, ctx.case) < 0
    )


def _dose_for(first: Candidate, same_source: list[Candidate], ctx: BottomLineContext) -> Candidate | None:
    """ "Give hydrocortisone immediately" names what to give but not how much: the source's sentence
    giving the same drug's dose for the same situation (every word of the case that the first
    sentence names) completes it."""
    if not first.drugs or _GIVEN_DOSE.search(first.text):
        return None
    asked = (ctx.focus_drugs or ctx.asked_drugs) & {d.lower() for d in first.drugs}
    if ctx.intent is Intent.DOSING and asked and not ctx.which_drug:
        # "Same apixaban dose now?" answered by "reduced-dose apixaban is suggested": the drug's dosing
        # row gives the number
        rows = [c for c in same_source if _row_subject(c) & asked and not _case_misses(c, ctx)]
        if rows:
            return max(rows, key=lambda c: (fit(c, ctx), -c.order))
    if not _PUT_ON.search(first.text):
        return None
    drug = first.drugs[0].lower()
    if ctx.intent is Intent.DOSING and ctx.which_drug:
        # "Which antibiotic, and how many mg/kg?": the dosing row of the drug chosen
        rows = [c for c in same_source if _row_subject(c) == {drug} and not _case_misses(c, ctx)]
        if rows:
            return max(rows, key=lambda c: (fit(c, ctx), -c.order))
    situation = (first.stems & ctx.case.stems) - drug_stems(frozenset(d.lower() for d in first.drugs))
    dosed = [
        c
        for c in same_source
        if c.drugs
        and c.drugs[0].lower() == drug
        and _GIVEN_DOSE.search(c.text)
        and not is_table_row(c)
        and situation <= c.stems
        and condition_fit(c.text, c.hit.source_title, ctx.case) >= 0
    ]
    return max(dosed, key=lambda c: (fit(c, ctx), -c.order), default=None)


# an amount to give ("100 mg", "2.4 million units"), not a measurement ("LDL-C of 190 mg/dL")
_DOSE_UNIT = r"(?:(?:million|thousand)\s+)?(?:mg|mcg|micrograms?|g|units?|ml)\b"  # "2.4 million units" too
# (not a concentration, ratio or clearance: "albuminuria of 30 mg/g", "glucose 180 mg/dL", "20 mL/min")
_NOT_A_DOSE = r"(?!/(?:dl|l|g|mmol)\b)(?!(?<=ml)/min\b)"  # ("1 mg/min" is a dose rate)
_GIVEN_DOSE = re.compile(rf"\b\d+(?:\.\d+)?\s*{_DOSE_UNIT}{_NOT_A_DOSE}", re.I)
# "need a higher levothyroxine dose", "reduce the dose by half": a dose answer without a number
_DOSE_CHANGE = re.compile(
    r"\b(?:higher|lower|extra|double|increased?|reduced?|halve)\b[^.;]{0,30}\bdoses?\b", re.I
)
# the number of a dose ("100" in "100 mg"), for comparing doses
_DOSE_VALUE = re.compile(rf"\b\d+(?:\.\d+)?(?=\s*{_DOSE_UNIT}{_NOT_A_DOSE})", re.I)
# "Aim for a dose of at least 15 mg per week ... of methotrexate": a minimum dose
_MINIMUM_DOSE = re.compile(rf"\bat least (\d+(?:\.\d+)?)\s*{_DOSE_UNIT}", re.I)


def _minimum_dose_reached(c: Candidate, ctx: BottomLineContext) -> bool:
    """The sentence sets a minimum dose of a drug the case already takes at that dose or more
    ("aim for at least 15 mg per week" for a patient on methotrexate 20 mg weekly): nothing to do."""
    m = _MINIMUM_DOSE.search(c.text)
    if m is None:
        return False
    for drug in {d.lower() for d in c.drugs} & ctx.taken:
        stated = re.search(rf"\b{re.escape(drug)}\s+(\d+(?:\.\d+)?)\s*{_DOSE_UNIT}", ctx.question, re.I)
        if stated and float(stated.group(1)) >= float(m.group(1)):
            return True
    return False


_NUMBER = re.compile(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?")


def _prose_for_row(first: Candidate, ranked: list[Candidate], ctx: BottomLineContext) -> Candidate:
    """A dosing-table row reads badly as a headline: use the source's sentence that gives the same
    drug and dose instead, when there is one that fits nearly as well (the row stays available to
    the Specific Recommendation)."""
    if not is_table_row(first) or not first.drugs:
        return first
    numbers = set(_DOSE_VALUE.findall(first.text))
    floor = fit(first, ctx) - PROSE_OVER_ROW
    prose = [
        c
        for c in ranked
        if c.hit.source_id == first.hit.source_id
        and not is_table_row(c)
        and set(c.drugs) & set(first.drugs)
        and numbers & set(_DOSE_VALUE.findall(c.text))
        # a caution that shares a number ("... combination should be avoided on 2.5 mg twice daily") is no
        # plain statement of the row's dose
        and main_roles(c) & set(ctx.roles)
        and fit(c, ctx) >= floor
        # "give insulin-glucose" after insulin-glucose was given is not the row's "then follow with ..."
        # (a new dose of a drug taken, "hydrocortisone 100 mg IV at once" in a crisis, still is)
        and not (ctx.intent is Intent.DOSING and _starts_what_is_taken(c, ctx))
        and not _case_misses(c, ctx)  # "for outpatients without comorbidities" for one with COPD
        # asked what follows a dose given: the row's "follow with 10% glucose" is the answer, not the dose
        and not (ctx.follow_on and _FOLLOWS.search(first.text) and not _FOLLOWS.search(c.text))
    ]
    # the sentence giving most of the row's numbers, then the first in reading order: a source
    # states the dose ("give 1 g over 10 minutes") before its repeats ("a second 1 g dose if ...")
    values = set(_NUMBER.findall(first.text))
    return max(prose, key=lambda c: (len(values & set(_NUMBER.findall(c.text))), -c.order), default=first)


_TEST_FIRST = re.compile(r"(?:test|check|measure|screen)\b", re.I)


def clearly_asked(c: Candidate, ctx: BottomLineContext) -> bool:
    """The lead source's known questions point to this line clearly (`answerable.line_shares`): it
    may lead whatever its section, since the intent's roles are a guess ("OK to use X?" is answered by
    a caution, "repeat the X-ray?" by a line under Cautions)."""
    return c.hit.source_id == ctx.lead_source and ctx.selection.asked_like.get(c.key, 0.0) >= CLEARLY_ASKED


def _alternative_for_this_case(c: Candidate, ctx: BottomLineContext) -> bool:
    """An alternative whose condition the case meets ("warfarin is the anticoagulant for patients with
    rheumatic mitral stenosis") is this patient's recommendation, though filed under Alternatives; so is
    a referral whose condition the case meets ("refer babies under 3 months with a suspected UTI"), or
    whose time the case has reached ("refer ... incomplete recovery 3 months after onset", 4 months on)."""
    if c.role not in (Role.ALTERNATIVE, Role.REFERRAL) or Role.RECOMMENDATION not in ctx.roles:
        return False
    return _condition_verdict(c, ctx) > 0 or elapsed_fit(c.text, ctx.elapsed) > 0


# "If hyperthyroidism relapses after a full course ..., definitive treatment ... is recommended": what is
# recommended after failure (not "When an ARNI is not feasible ..., an ARB is recommended", for others)
_RECOMMENDED_AFTER_FAILURE = re.compile(
    r"^(?:if|when|for|after)\b[^,;]{0,100}\b(?:relaps|recur|fail|persist|inadequate|despite|not respond)"
    r"[^;]*\b(?:is|are) (?:strongly |conditionally )?recommended\b",
    re.I,
)


def main_roles(c: Candidate) -> set[Role]:
    """The roles a sentence can lead with: a dosed recommendation outside the dosing tables, and an
    instructing alternative, count as recommendations too; a caution that says to test before
    starting a drug counts as monitoring advice."""
    if c.role is Role.DOSING and Role.RECOMMENDATION in c.roles and not _DOSING_SECTION.search(c.section):
        return {Role.DOSING, Role.RECOMMENDATION}
    if c.role is Role.ALTERNATIVE and (IMPERATIVE.match(c.text) or _RECOMMENDED_AFTER_FAILURE.search(c.text)):
        # "Give basal insulin before ..." instructs; "if it relapses, definitive treatment ... is recommended"
        return {Role.ALTERNATIVE, Role.RECOMMENDATION}
    if c.role is Role.CAUTION and _TEST_FIRST.match(c.text):
        return {Role.CAUTION, Role.MONITORING}  # "Test for HLA-B*5801 before starting allopurinol"
    if c.role is Role.RECOMMENDATION and Role.REFERRAL in c.roles:
        return {Role.RECOMMENDATION, Role.REFERRAL}  # "Admit adults with ...": where to manage them
    return {c.role}


def section_fit(c: Candidate, failing: bool, intent: Intent) -> float:
    """1 in the section for the patient's stage (or any dosing line for a dose question), 0.5 in
    other recommendation sections, 0 elsewhere, -1 where a source describes itself (its scope)."""
    path = c.hit.section_path
    if path and _NOT_ADVICE_SECTION.search(path[0]):
        return -1.0
    if stage_fits(c, failing) or (intent is Intent.DOSING and Role.DOSING in c.roles):
        return 1.0
    return 0.5 if _RECOMMENDATION_SECTION.search(" ".join(path)) else 0.0


def stage_fits(c: Candidate, failing: bool) -> bool:
    """The sentence sits in the section for the patient's stage: after failure, or first line."""
    section = " ".join(c.hit.section_path[1:])
    return bool((_FAILURE_SECTION if failing else _FIRST_LINE_SECTION).search(section))
