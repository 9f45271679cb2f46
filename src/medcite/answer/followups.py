"""Suggested follow-up questions: what the retrieved sources cover that the answer did not use."""

from __future__ import annotations

from medcite.answer.schema import AnswerArticle, Role
from medcite.answer.select import Candidate
from medcite.text.tokens import tokenize

_TEMPLATES: list[tuple[Role, str]] = [
    (Role.DOSING, "What dose of {drug} is recommended{in_condition}?"),
    (Role.MONITORING, "How should treatment with {drug} be monitored{in_condition}?"),
    (Role.CAUTION, "What are the cautions and contraindications for {drug}?"),
    (Role.ALTERNATIVE, "What are the options if {drug} fails{in_condition}?"),
    (Role.REFERRAL, "When should a patient{with_condition} be referred to a specialist?"),
    (Role.STUDY_RESULT, "What is the trial evidence for {drug}{in_condition}?"),
]


def suggest_follow_ups(
    article: AnswerArticle, pool: list[Candidate], headings: list[str] | None = None, limit: int = 5
) -> list[str]:
    """Up to 5 questions, each backed by a passage the article left unused: first the retrieved
    passages' roles and sections, then other sections of the cited sources (`headings`)."""
    used = {(p.chunk_id, p.char_start) for r in article.references for p in r.passages}
    unused = [c for c in pool if (c.hit.chunk_id, c.char_start) not in used]
    condition = article.assessment.facts.condition
    in_condition = f" in {condition}" if condition else ""
    with_condition = f" with {condition}" if condition else ""
    out: list[str] = []
    for role, template in _TEMPLATES:
        matches = [c for c in unused if c.role is role]
        if not matches:
            continue
        drug = next((d for c in matches for d in c.drugs), None)
        if "{drug}" in template and drug is None:
            continue
        question = template.format(drug=drug, in_condition=in_condition, with_condition=with_condition)
        if question not in out:
            out.append(question)
    for c in unused:
        if len(out) >= limit:
            break
        heading = c.hit.section_path[-1] if len(c.hit.section_path) > 1 else None
        if heading and condition and set(tokenize(heading)) & set(tokenize(condition)):
            heading = None
        if heading and c.role is not Role.BACKGROUND:
            question = f"What do the sources say about {heading.lower()}{in_condition}?"
            if question not in out:
                out.append(question)
    cited_headings = {p.section_path[-1] for r in article.references for p in r.passages if p.section_path}
    for heading in headings or []:
        if len(out) >= limit:
            break
        if heading in cited_headings or (condition and set(tokenize(heading)) & set(tokenize(condition))):
            continue
        question = f"What do the sources say about {heading.lower()}{in_condition}?"
        if question not in out:
            out.append(question)
    return out[:limit]
