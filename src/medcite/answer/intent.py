"""Classify what a clinical question asks for, so retrieval and composition can aim at it.

Rule-based and deterministic: cue phrases score each intent, the highest wins, ties go to the
order of `Intent` (next step first). A question that names current therapy and a worsening
finding, with no stronger cue, is a next-step question.
"""

from __future__ import annotations

import re

from medcite.answer.schema import Intent, Role
from medcite.answer.select import asked_part

ASKED_CUE_FACTOR = 2.0
CASE_CUE_FACTOR = 0.5  # a cue only in the stated case, when there is an asked part

_CUES: dict[Intent, list[tuple[str, float]]] = {
    Intent.NEXT_STEP: [
        (r"next (?:best )?step", 3),
        (r"what (?:now|next)|how (?:to|should (?:i|we)) proceed|^\W*next\W*$|\bnext\?", 3),
        (r"escalat|step[- ]up|intensif", 2),
        (r"what should (?:i|we|be) do", 2),
        (r"manag(?:e|ement)\b", 1),
        (
            r"inadequate(?:ly)? (?:response|controlled)|refractory|not responding"
            r"|despite|failed|worsen|fell|dropped|declin",
            1,
        ),
    ],
    Intent.TREATMENT_CHOICE: [
        (r"first[- ]line|second[- ]line|third[- ]line", 3),
        (r"which (?:drug|medication|treatment|therapy|agent)", 3),
        (r"best (?:treatment|drug|therapy|option)|treatment of choice|preferred (?:treatment|agent)", 3),
        (r"how (?:do|should) (?:i|we|you) treat|how to treat|treatment (?:of|for)|treat(?:ing)? ", 1.5),
        (r"what (?:to|should i|should we) (?:add|start|prescribe|give|use)", 2),
        # "Should I prescribe that?" opening a sentence (not "what should I add", a next step)
        (r"(?:^|[.?!]\s+)(?:should|can|do) (?:i|we) (?:prescribe|give|start|use|add|offer)\b", 2),
        (r"\boptions?\b", 1),
        # "is there a simpler once-a-day glucocorticoid she could use?": asks for a drug
        (
            r"\bis there (?:an?|any) (?:[\w-]+ ){0,3}(?:drug|medicine|medication|steroid|glucocorticoid|"
            r"alternative|option|tablet|inhaler|antibiotic|treatment)s?\b",
            3,
        ),
        # "is there a once-a-day steroid I could switch her to?": another drug, not a dose
        (
            r"\b(?:switch|change|swap|convert)\w*\s+(?:(?:him|her|them|it|the patient)\s+)?(?:over\s+)?to\b"
            r"|\b(?:switch|change|swap|convert)\s+(?:him|her|them|it)\s*\?",
            2,
        ),
    ],
    Intent.DOSING: [
        (r"\bdos(?:e|es|ing|age)\b", 3),
        # "Keppra load for 95 kg?": the loading dose (not a viral load, nor "a load of")
        (r"(?<!viral )\bload\b(?!\s+of\b)", 3),
        # "titrate" asks; "titrated up to 300 mg" tells the history
        (
            r"how much|how many (?:mg|units|ml|mls|micrograms|mcg|tablets|puffs|ampoules|vials|sprays)\b"
            r"|\bdraw up\b|titrat(?!ed)(?!\w* (?:\w+ ){0,4}against\b)|maximum daily|max(?:imum)? dose"
            r"|\bwhat (?:mg/kg|mcg/kg|micrograms/kg|mg|mcg|strength)\b",
            3,
        ),
        (
            r"(?:starting|initial|infusion) rate|\bregimen\b|\bwhat rate\b"
            r"|\brate (?:do|should) (?:i|we) (?:start|run|set)",
            3,
        ),
        # "how do I start morphine?": the starting dose and how to give it
        (r"how (?:do|should|would) (?:i|we|you) (?:start|initiate|begin)\b", 2),
        (r"renal (?:adjust|impairment)|hepatic impairment", 1.5),
        # "5 bd or 2.5 bd?", "40 mg or 80 mg?": a choice between two doses
        (
            r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|micrograms?|g|units?)?\s*(?:od|bd|tds|qds|bid|tid|daily)?\s+or\s+"
            r"\d+(?:\.\d+)?\s*(?:mg|mcg|micrograms?|g|units?|od|bd|tds|qds|bid|tid)\b",
            3,
        ),
        (
            r"how often .* (?:take|give)"
            r"|frequency of administration|loading",
            1.5,
        ),
        # "script is the Champix starter pack ... Is that OK or should it be changed?": a dose checked
        (
            r"\bshould (?:it|that|this|the (?:dose|regimen|schedule)) be "
            r"(?:changed|adjusted|altered|reduced|lowered|modified)\b",
            2,
        ),
    ],
    Intent.DIAGNOSIS: [
        # not "newly diagnosed", which tells the case
        (
            r"diagnos(?!ed\b)|how (?:is|are) [\w -]{1,40}diagnosed|criteria|work[- ]?up"
            r"|how (?:to|do i|do we) confirm|differential",
            3,
        ),
        (r"which tests?|what tests?|investigat|\btest for\b|screen(?:ing)? for", 2),
    ],
    Intent.MONITORING: [
        (r"monitor|surveillance|how often (?:should|to|do)|follow[- ]up (?:tests?|visits?|bloods?)", 3),
        (r"which (?:blood tests|labs)|check (?:levels|bloods)|what labs", 2),
        # "we do levels 6-monthly - is that enough?"
        (
            r"\b(?:levels?|bloods?|checks?|tests?|monitoring|scans?|reviews?)\s+(?:\w+\s+)?"
            r"(?:\d+|three|six|twelve)[- ]?monthly\b|\b(?:\d+|three|six|twelve)[- ]?monthly\s+(?:\w+\s+)?"
            r"(?:levels?|bloods?|checks?|tests?|monitoring|scans?|reviews?)\b",
            3,
        ),
        # "is that often enough?", "bloods every 6 months - is that interval OK?": a testing interval
        (
            r"\b(?:often|frequent(?:ly)?) enough\b|\btoo (?:often|frequent(?:ly)?)\b"
            r"|\b(?:that|this|the) interval\b",
            2,
        ),
        (
            r"\b(?:levels?|bloods?|checks?|tests?|monitoring|scans?)\s+(?:\w+\s+){0,2}?"
            r"every (?:\d+|two|three|six|twelve) (?:weeks?|months?|years?)\b",
            2,
        ),
        (r"(?:should|do|must) (?:i|we) (?:be )?(?:check|measur|monitor|test)\w*", 3),
        # "should I be doing cortisol day curves or ACTH levels?"
        (
            r"(?:should|do|must) (?:i|we) (?:be )?"
            r"(?:do|doing|send|sending|order|ordering|request|requesting)\s+"
            r"(?:[\w-]+\s+){0,4}?(?:levels?|curves?|bloods?|assays?)\b",
            3,
        ),
        # "anything special about how I send his uric acid bloods?": how a sample is taken or handled
        (
            r"\b(?:send|sending|take|taking|draw|drawing|collect|collecting|handle|handling|process)\s+"
            r"(?:\w+\s+){0,3}?(?:bloods?|samples?|specimens?)\b",
            3,
        ),
        # "titrate her hydrocortisone against cortisol levels, or how do I judge the dose is right?"
        (
            r"\btitrat\w* (?:\w+ ){0,4}against\b",
            3,
        ),
        (
            r"\bhow (?:do|can|would|should) (?:i|we) (?:judge|know|tell|assess) "
            r"(?:if |whether |that )?(?:the |her |his |their )?dose\b",
            3,
        ),
        # "worth sending a serum cortisol ... to see whether the dose is right?": a test of the dose
        (
            r"\b(?:send|sending|order|ordering|request|requesting)\s+(?:an?\s+|the\s+)?"
            r"(?:serum|plasma|random|9\s?am|morning|trough|peak)\b",
            3,
        ),
        (
            r"\bto see (?:if|whether) (?:the |her |his |their )?(?:dose|replacement|treatment) is "
            r"(?:right|enough|adequate|correct|ok)\b",
            2,
        ),
        # "... levels to titrate the hydrocortisone": a test that guides the dose is monitoring
        (r"\b(?:levels?|curves?|bloods?|tests?|assays?) to (?:titrate|guide|adjust)\b", 2),
        (
            r"when (?:should|do|can|to) (?:i|we)?\s*"
            r"(?:repeat|recheck|re-check|check|test|measure|send|take|draw)"
            r"|how will (?:i|we) know|check (?:the |her |his |their )?response|\bre-?check\b"
            r"|\brepeat (?:a |the |an )?(?:\w+ )?"
            r"(?:x-ray|scan|test|imaging|level|bloods?|panel|ecg|echo|ct|mri)",
            3,
        ),
        # "when should I see him next?" asks when to review, not what to do next
        (
            r"when (?:should|do|to|must) (?:i |we )?(?:need to |have to )?(?:see|review) "
            r"(?:him|her|them|the patient)\b",
            4,
        ),
    ],
    Intent.ADVERSE_EFFECTS: [
        (r"side[- ]effects?|adverse|toxicit|safety|\bsafe\b|\bharm", 3),
        (
            r"\bcan\b.{0,40}\bbe (?:used|given|taken|combined|continued)|(?:in|during) pregnancy|"
            r"breast-?feeding",
            2.5,
        ),
        (r"interact|contraindicat|risks? of|warnings?", 2.5),
        (r"anything to (?:watch|look out|worry)|\bwatch (?:out )?(?:for|with)\b|look out for", 2.5),
    ],
    Intent.COMPARISON: [
        (r"\bvs\.?\b|\bversus\b|compared (?:with|to)|comparison|better than|difference between", 3),
        (r"\bor\b.*\?$", 0.5),
    ],
    Intent.PROGNOSIS: [
        (r"prognos|life expectancy|survival|mortality|chance of|likelihood|outcome", 3),
        (r"recurren|relapse rate|will (?:he|she|they|it) (?:recover|improve)", 2),
    ],
}

# What the question is about, in the roles of source sentences: these lead the bottom line.
_FOCUS: list[tuple[Role, str]] = [
    (
        Role.REFERRAL,
        r"\brefer(?:red|ral)?\b|specialist|follow(?:ed)? (?:\w+ )?up\b|\bfollow-up\b"
        # "admit or home on pred?", "can I manage her in the community?", "take him home tonight?"
        r"|\badmit\b|\bmanage (?:\w+ ){0,2}(?:in the community|at home|as an outpatient|in primary care)\b"
        r"|\b(?:go|send (?:\w+ )?|take (?:\w+ )?|or) home\b"
        # "start oral antibiotics in the surgery and review tomorrow?": where the patient is cared for
        r"|\bin (?:the )?(?:GP )?(?:surgery|practice|primary care)\b"
        r"|\breview (?:\w+ )?(?:tomorrow|in the morning)\b",
    ),
    (Role.STUDY_RESULT, r"\btrials?\b|\bevidence\b|\bstud(?:y|ies)\b|efficacy"),
    # "what's the empiric 3rd-line?", "salvage regimen?": what follows a line that failed
    (
        Role.ALTERNATIVE,
        r"\bfails?\b|\bfailed\b|not tolerated|alternative|\b(?:2nd|3rd|4th|second|third|fourth)[- ]line\b"
        r"|\bsalvage\b|\bwhat (?:\w+ )?instead\b",
    ),
    (
        Role.MONITORING,
        r"monitor|screen(?:ing)?\b|how often|\bcheck(?:ed|ing|s)?\b|measured?|\b(?:repeat|recheck)\b"
        r"|\b(?:any|which|what) (?:\w+ )?tests?\b"
        r"|how will (?:i|we) know|what follow-?up\b|\bask (?:\w+ ){0,4}about\b"
        r"|when (?:should|do|to|must) (?:i |we )?(?:need to |have to )?(?:see|review) "
        r"(?:him|her|them|the patient)\b",
    ),
    (
        Role.CAUTION,
        r"\bsafe\b|risks?\b|combined? with|contraindicat|interact|pregnan|side[- ]effect"
        r"|\b(?:sensible|advisable|wise|a good idea)\b"
        # "5% dextrose 1L 8-hourly - ok to hang?": a plan to check is asked about its cautions too
        r"|\b(?:ok|okay|fine|alright|all right) to (?:hang|run|give|start|use|put up|prescribe|go ahead)\b"
        r"|anything to (?:watch|look out|worry)|\bwatch (?:out )?(?:for|with)\b|look out for",
    ),
    (Role.DOSING, r"\bdos(?:e|es|ing|age)\b|how much"),
]
_FOCUS_COMPILED = [(role, re.compile(p, re.I)) for role, p in _FOCUS]


# "not pregnant", "no side effects so far": a stated absence asks about nothing
_NEGATED_MENTION = re.compile(r"\b(?:not|non-?|no|never)\s*(?:been\s+)?[a-z-]+", re.I)


def focus_roles(question: str) -> list[Role]:
    """Roles the question asks about directly ("when to refer" -> referral), in a fixed order."""
    stated = _NEGATED_MENTION.sub(" ", question)
    return [role for role, pattern in _FOCUS_COMPILED if pattern.search(stated)]


_COMPILED = {intent: [(re.compile(p, re.I), w) for p, w in cues] for intent, cues in _CUES.items()}


def intent_scores(question: str) -> dict[Intent, float]:
    """Cue weights per intent; a cue in the asked part ("... after two IM doses. Next?") counts
    double and one only in the case half, since the case often names doses or tests the question is
    not about ("wants a low dose every day. Should I prescribe that?" is not a dose question)."""
    asked = asked_part(question)
    return {
        intent: sum(
            w * (ASKED_CUE_FACTOR if asked and pattern.search(asked) else CASE_CUE_FACTOR if asked else 1.0)
            for pattern, w in cues
            if pattern.search(question)
        )
        for intent, cues in _COMPILED.items()
    }


def classify_intent(question: str, has_treatment: bool = False) -> Intent:
    """The most likely intent; next step when therapy is named and nothing else is clearer."""
    scores = intent_scores(question)
    best = max(Intent, key=lambda i: (scores[i], -list(Intent).index(i)))
    if scores[best] <= 1.0:
        return Intent.NEXT_STEP if has_treatment else Intent.TREATMENT_CHOICE
    return best
