"""Turn an analysed question into a retrieval query and the key terms that define its topic."""

from __future__ import annotations

import re

from medcite.answer.analyse import Analysis
from medcite.answer.schema import Intent
from medcite.search.expansion import synonym_table
from medcite.text.tokens import tokenize

_INTENT_TERMS = {
    Intent.NEXT_STEP: "recommendation next step",
    Intent.TREATMENT_CHOICE: "first-line treatment recommendation",
    Intent.DOSING: "dose dosage administration",
    Intent.DIAGNOSIS: "diagnosis confirm tests",
    Intent.MONITORING: "monitoring check every",
    Intent.ADVERSE_EFFECTS: "adverse effects cautions contraindicated warnings risk",
    Intent.COMPARISON: "compared trial evidence",
    Intent.PROGNOSIS: "prognosis outcome",
}
_ESCALATION = "inadequate response escalate add switch refractory not controlled despite"

# Words that appear in almost every clinical question: they do not define its topic.
GENERIC_STEMS = frozenset(
    tokenize(
        """
        patient patients treatment treat therapy therapies management manage drug drugs medication medicine
        dose dosing doses next step best first second line choice option options recommend recommended
        what which how when should start starting add adult adults man woman child score level levels week
        weeks month months year years old day days response inadequate current currently previous
        previously monitoring monitor safe safety side effects risk follow test tests diagnosis prognosis
        outcome compare compared versus new known history good better help use used taking take given
        agent agents typical usual standard common disease condition care clinical pregnant pregnancy
        refer referred referral specialist same urgent urgently need needed needs before after during
        """
    )
)


def build_query(analysis: Analysis) -> str:
    facts = analysis.facts
    parts = [analysis.question]
    if facts.condition and facts.condition.lower() not in analysis.question.lower():
        parts.append(facts.condition)
    # what the case implies without naming it ("sepsis" from fever, tachycardia and confusion)
    parts += [c for c in analysis.implied_conditions if c.lower() not in analysis.question.lower()]
    parts.append(_INTENT_TERMS[analysis.intent])
    if facts.inadequate_response or (analysis.intent is Intent.NEXT_STEP and facts.current_treatments):
        parts.append(_ESCALATION)
    if any(t.response == "responded" for t in facts.treatments):
        parts.append("restart responded before")
    return " ".join(parts)


def key_terms(analysis: Analysis) -> list[str]:
    """The condition (with its synonyms: "urosepsis" is sepsis), drugs and named scores; without them,
    the question's uncommon words."""
    facts = analysis.facts
    synonyms = synonym_table().get(facts.condition.lower(), ()) if facts.condition else ()
    terms = [t for t in (facts.condition, *synonyms, *facts.drugs_mentioned) if t]
    terms += [s.name for s in facts.scores if s.name]
    if not terms:
        words = (w.strip(",.;:?!()[]\"'") for w in analysis.question.split())
        terms = [w for w in words if _is_specific(w) and not re.search(r"\d", w)]
    return terms


def topic_terms(analysis: Analysis) -> list[str]:
    """What the knowledge base must hold for the question to be answerable: condition and drugs."""
    facts = analysis.facts
    terms = [t for t in (facts.condition, *facts.drugs_mentioned) if t]
    return terms or [lab.name for lab in facts.labs] or key_terms(analysis)


_ASKED_OBJECT = re.compile(
    r"\b(?:what|which)\s+(?P<object>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,2}?)"
    # ("what antiemetic cover on the day of chemo?": what is asked for, then when or for whom; "which uric
    # acid prophylaxis?": the question ends with it)
    r"(?:\s+(?:do|does|did|should|shall|would|could|can|will|is|are|to|for|I|we|on|in|at|after|before)\b|\s*\?)",
    re.I,
)


def asked_object(question: str) -> str | None:
    """What the question asks for when it names it: "What antiemetic prophylaxis do I write up?" asks
    for an antiemetic. Only its specific words, so "what dose should" names nothing."""
    m = _ASKED_OBJECT.search(question)
    if not m:
        return None
    words = [w for w in m.group("object").split() if _is_specific(w)]
    return " ".join(words) or None


def _is_specific(word: str) -> bool:
    stems = tokenize(word)
    return bool(stems) and all(s not in GENERIC_STEMS and len(s) > 2 and not s.isdigit() for s in stems)


def key_stems(terms: list[str]) -> frozenset[str]:
    return frozenset(s for t in terms for s in tokenize(t) if s not in GENERIC_STEMS and len(s) > 1)
