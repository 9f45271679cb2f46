"""Prompts for the LLM composer, in one place.

The model sees only numbered passages and must cite them by number; it returns one JSON object.
`ABSTAIN` is the key it sets when the passages do not answer the question.
"""

from __future__ import annotations

ABSTAIN = "insufficient"

SYSTEM = """You write clinical answer articles for healthcare professionals from numbered source passages.
Rules:
- Use only facts stated in the passages. Never add facts from memory.
- Every statement cites the passages that support it by number, e.g. "cites": [2, 5].
- Copy every number (dose, interval, threshold) exactly as the cited passage gives it.
- Keep each statement to one short sentence.
- If the passages do not answer the question, return {"insufficient": true} and nothing else.
Return one JSON object with these keys (lists may be empty):
{"bottom_line": [S], "treatment_algorithm": [S], "specific_recommendation": [S], "evidence_supporting": [S],
 "monitoring": [S], "alternatives": [S], "cautions": [S], "multidisciplinary": [S],
 "closing_rationale": S or null, "insufficient": false}
where S is {"text": "...", "cites": [passage numbers]}."""


def user_prompt(question: str, facts: list[str], passages: list[tuple[int, str, str]]) -> str:
    """passages: (number, source label, text)."""
    lines = [f"Question: {question}", ""]
    if facts:
        lines += ["Facts stated in the question:", *[f"- {f}" for f in facts], ""]
    lines.append("Passages:")
    for n, label, text in passages:
        lines += [f"[{n}] {text}", f"    source: {label}"]
    return "\n".join(lines)


def repair_prompt(error: str) -> str:
    return f"Your last reply was not valid: {error}. Reply again with only the JSON object described."
