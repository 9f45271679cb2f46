"""Conversations: a follow-up ("what if that fails?", "dose in renal impairment?") is rewritten into a
standalone question from the conversation, then answered with the same article format.

Rewriting is rule-based and deterministic: a follow-up that names its own condition stands alone;
otherwise pronouns ("that", "it", "this drug") become the drug the previous answer recommended, the
previous condition is added, and the patient details the conversation already gave are carried over,
so the new article's Assessment and retrieval see them. The rewritten question is shown to the user.

Each turn is answered by `Conversation.answer` (default `AnswerService.ask`); `medcite chat` passes the
editorial layer's `ask_reviewed`, so a turn is answered exactly like `medcite ask`: approved content
first, every new answer stored as a Submitted article under its standalone question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from medcite.answer.analyse import analyse_question
from medcite.answer.drugs import find_drugs
from medcite.answer.schema import AnswerArticle, Audience, Facts
from medcite.answer.service import AnswerService

_PRONOUN = re.compile(
    r"\b(?:that|it|this|this drug|that drug|the drug|this treatment|that treatment|them)\b", re.I
)
_NEEDS_DRUG = re.compile(
    r"^\s*(?:and\s+)?(?:the\s+|what\s+(?:is\s+the\s+|about\s+(?:the\s+)?)?)?"
    r"(dose|dosing|monitoring|side effects|contraindications|interactions)\b",
    re.I,
)


@dataclass
class Turn:
    asked: str
    standalone: str
    article: AnswerArticle
    topic: str | None = None  # the conversation's condition at this turn


Answerer = Callable[..., AnswerArticle]  # (service, standalone question, audience=...) -> article


def _compose(service: AnswerService, question: str, audience: Audience = Audience.CLINICIAN) -> AnswerArticle:
    return service.ask(question, audience=audience)


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    answer: Answerer = _compose

    def rewrite(self, follow_up: str) -> str:
        """The follow-up as a question that can be answered without the conversation."""
        text = " ".join(follow_up.split())
        if not self.turns:
            return text
        facts = analyse_question(text).facts
        previous = self.turns[-1].article
        prev_facts = previous.assessment.facts
        if facts.drugs_mentioned and (facts.condition or not _PRONOUN.search(text)):
            return text
        if facts.condition and not _PRONOUN.search(text) and not _NEEDS_DRUG.search(text):
            return text
        asked_about = [d for d in prev_facts.drugs_mentioned if d not in prev_facts.current_treatments]
        drug = (asked_about[0] if asked_about else None) or _recommended_drug(previous)
        drug = drug or (prev_facts.drugs_mentioned[0] if prev_facts.drugs_mentioned else None)
        out = text.rstrip("?. ")
        if drug and not facts.drugs_mentioned:
            if _PRONOUN.search(out):
                out = _PRONOUN.sub(drug, out, count=1)
            elif _NEEDS_DRUG.search(out):
                out = _NEEDS_DRUG.sub(lambda m: f"{m.group(0)} of {drug}", out, count=1)
            else:
                out = f"{out} with {drug}"
        for condition in (facts.condition, self.turns[-1].topic or prev_facts.condition):
            if condition and condition.lower() not in out.lower():
                out = f"{out} in {condition}"
        context = _patient_context(prev_facts)
        out = out[:1].upper() + out[1:] + "?"
        return f"{out} {context}".strip()

    def ask(self, service: AnswerService, follow_up: str, audience: Audience = Audience.CLINICIAN) -> Turn:
        standalone = self.rewrite(follow_up)
        article = self.answer(service, standalone, audience=audience)
        rewritten = standalone != " ".join(follow_up.split())
        topic = self.turns[-1].topic if rewritten and self.turns else article.assessment.facts.condition
        turn = Turn(asked=follow_up, standalone=standalone, article=article, topic=topic)
        self.turns.append(turn)
        return turn


def _recommended_drug(article: AnswerArticle) -> str | None:
    """The first drug the answer's bottom line (then algorithm) names that the patient is not taking."""
    current = set(article.assessment.facts.current_treatments)
    for statement in article.bottom_line + article.treatment_algorithm:
        for mention in find_drugs(statement.text):
            if mention.name not in current:
                return mention.name
    return None


def _patient_context(facts: Facts) -> str:
    parts = []
    if facts.age is not None:
        parts.append(f"{facts.age}-year-old")
    if facts.pregnant:
        parts.append("pregnant")
    if facts.sex:
        parts.append("woman" if facts.sex == "female" else "man")
    if facts.current_treatments:
        parts.append("on " + " and ".join(facts.current_treatments))
    return f"Patient: {' '.join(parts)}." if parts else ""
