"""Checking an edited statement against the passages it cites.

`StatementVerifier` is the seam: the answer pipeline has its own verifier (token, number and
embedding checks, or an entailment model) and the editorial layer takes any object with this
one method. `OverlapVerifier` is a conservative default that runs with no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from medcite.text.tokens import tokenize

_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")


@runtime_checkable
class StatementVerifier(Protocol):
    def verify(self, text: str, passages: Sequence[str]) -> tuple[bool, str]:
        """(True, "") when the passages support the text; else (False, a reason a reviewer can act on)."""
        ...


def numbers_in(text: str) -> list[str]:
    """Numbers as written, thousands separators removed ("1,000" -> "1000", "2.5" stays "2.5")."""
    return [m.group(0).replace(",", "") for m in _NUMBER.finditer(text)]


class OverlapVerifier:
    """Supported when every number in the statement appears in a cited passage and at least
    `min_overlap` of the statement's content words (stemmed, stop words dropped) appear there too.

    Numbers are checked exactly because a changed dose or interval is the edit most likely to
    harm a patient; the word overlap lets a reviewer rephrase but not add claims.
    """

    def __init__(self, min_overlap: float = 0.6) -> None:
        self.min_overlap = min_overlap

    def verify(self, text: str, passages: Sequence[str]) -> tuple[bool, str]:
        if not passages:
            return False, "the statement cites no passage; every statement needs at least one citation"
        joined = "\n".join(passages)
        passage_numbers = set(numbers_in(joined))
        missing_numbers = [n for n in dict.fromkeys(numbers_in(text)) if n not in passage_numbers]
        if missing_numbers:
            return False, (
                f"the number(s) {', '.join(missing_numbers)} do not appear in the cited passage(s); "
                "cite the passage that states them or correct the value"
            )
        words = {t for t in tokenize(text) if not t[0].isdigit()}
        if not words:
            return False, "the statement has no content words to check against its passages"
        passage_words = set(tokenize(joined))
        missing = sorted(words - passage_words)
        share = 1 - len(missing) / len(words)
        if share < self.min_overlap:
            return False, (
                f"only {share:.0%} of its content words appear in the cited passage(s) "
                f"(at least {self.min_overlap:.0%} needed); unsupported: {', '.join(missing[:8])}"
            )
        return True, ""


class AnswerPipelineVerifier:
    """The answer pipeline's own check (`medcite.answer.verify.verify_statement`): a reviewer's edit is held
    to exactly the rule composed statements are held to (numbers in the passage, content-word overlap)."""

    def verify(self, text: str, passages: Sequence[str]) -> tuple[bool, str]:
        from medcite.answer.verify import verify_statement

        verdict = verify_statement(text, list(passages))
        return verdict.supported, "" if verdict.supported else verdict.reason


def default_verifier() -> StatementVerifier:
    return AnswerPipelineVerifier()
