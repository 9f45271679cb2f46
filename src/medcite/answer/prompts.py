"""Every word MedCite sends to an LLM, in one place.

The model sees only the identifier-scrubbed question and numbered passages from the knowledge
base. It must answer from those passages alone, cite them by number, and say `ABSTAIN_PHRASE`
word for word when they do not answer the question; the composer detects that phrase and falls
back to the extractive article. The citation rules are strict because every statement is checked
against the passages it cites and dropped when they do not support it.
"""

from __future__ import annotations

from collections.abc import Sequence

from medcite.answer.schema import Audience

ABSTAIN_PHRASE = "The passages do not answer this question."

SYSTEM = f"""You write evidence summaries for clinicians from numbered source passages.
Rules:
1. Use only the numbered passages below. Add no facts, doses, numbers or advice of your own.
2. Every statement cites the passage numbers that support it, e.g. "citations": [2]. Cite only \
numbers that appear in the passage list; never cite a number that is not there.
3. Keep doses, units, intervals and other numbers exactly as the cited passage writes them.
4. One short sentence per statement. Put each statement in the section it belongs to; leave a \
section empty when no passage covers it.
5. If the passages do not answer the question, reply with exactly this sentence as the only \
bottom_line statement, with no citations: "{ABSTAIN_PHRASE}"
6. Reply with one JSON object and nothing else."""

AUDIENCE_NOTES = {
    Audience.CLINICIAN: "Write for a clinician: concise and technical.",
    Audience.TRAINEE: "Write for a trainee doctor: concise, spell out abbreviations once.",
    Audience.PATIENT: "Write for a patient: plain words, short sentences, no jargon.",
}

SECTIONS_HELP = """Sections of the JSON object (each a list of {"text": ..., "citations": [...]}):
- bottom_line: the direct answer, one or two statements.
- treatment_algorithm: the steps in order.
- specific_recommendation: drug, dose, route, frequency, duration.
- evidence_supporting: trial or review results.
- monitoring, alternatives, cautions, multidisciplinary: important considerations."""

RETRY = (
    "Your last reply could not be used: {error}. Reply again with only the JSON object described, "
    "citing only the passage numbers given."
)


def format_passages(passages: Sequence[tuple[str, str]]) -> str:
    """`[n] (source, section) text` lines, numbered from 1 in the order given."""
    return "\n".join(
        f"[{n}] ({label}) {' '.join(text.split())}" for n, (label, text) in enumerate(passages, start=1)
    )


def user_prompt(question: str, passages: Sequence[tuple[str, str]], audience: Audience) -> str:
    """The question (identifiers already removed), the numbered passages and the output contract."""
    return (
        f"Question: {question}\n\n"
        f"Passages:\n{format_passages(passages)}\n\n"
        f"{SECTIONS_HELP}\n\n"
        f"{AUDIENCE_NOTES[audience]} Cite only passage numbers 1 to {len(passages)}."
    )


def messages(
    question: str, passages: Sequence[tuple[str, str]], audience: Audience, system: str = SYSTEM
) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": user_prompt(question, passages, audience)},
    ]


def is_abstention(text: str) -> bool:
    """True when the model's reply contains the abstain phrase (case and spacing ignored)."""
    squash = " ".join(text.split()).lower()
    return ABSTAIN_PHRASE.lower().rstrip(".") in squash
