"""Check every statement against the passages it cites; drop what they do not support.

Three tests, cheapest first: every number in the statement must appear in a cited passage
(a dose or interval is never invented), most of its content words must appear there, and,
when the statement is not a verbatim quotation and an embedder is available, its meaning must
be close to the passage's (cosine similarity of e5-small vectors). The extractive composer quotes,
so its statements pass the first two tests by construction; an LLM's statements need all three.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from medcite.answer.drugs import find_drugs
from medcite.answer.lexicon import Lexicon, load_lexicon
from medcite.answer.plain import CONNECTIVES
from medcite.answer.schema import AnswerArticle, DroppedStatement, Statement
from medcite.search.embeddings import Embedder
from medcite.text.markers import strip_markers
from medcite.text.tokens import tokenize

_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:[.,]\d+)*")
_NEGATION = re.compile(
    r"\b(?:not|no|never|without|avoid|avoided|nor|unless|except|cannot|don't|do not)\b", re.I
)

MIN_OVERLAP = 0.6
MIN_SIMILARITY = 0.82


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str
    overlap: float
    similarity: float | None = None


def numbers_in(text: str) -> set[str]:
    """Numbers as written, normalised: "1,000" -> "1000", "2.0" -> "2"."""
    out = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw) else raw
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        out.add(value)
    return out


def content_overlap(statement: str, passage: str) -> float:
    words = set(tokenize(statement))
    if not words:
        return 1.0
    return len(words & set(tokenize(passage))) / len(words)


def _squash(text: str) -> str:
    """Lower case, single spaces, table and list punctuation ignored: a table row shown as
    "cell: cell; cell" is the same quotation as "| cell | cell | cell |"."""
    return " ".join(re.sub(r"[|;:]", " ", text).split()).lower().rstrip(". ")


def verify_statement(
    text: str, passages: list[str], embedder: Embedder | None = None, min_similarity: float = MIN_SIMILARITY
) -> Verdict:
    if not passages:
        return Verdict(False, "cites no retrieved passage", 0.0)
    joined = "\n".join(passages)
    missing = sorted(numbers_in(text) - numbers_in(joined))
    if missing:
        return Verdict(False, f"number(s) {', '.join(missing)} not in the cited passage", 0.0)
    overlap = content_overlap(text, joined)
    if any(_squash(text) in _squash(p) for p in passages):
        return Verdict(True, "quoted", 1.0, 1.0)
    if overlap < MIN_OVERLAP:
        return Verdict(False, f"only {overlap:.0%} of its content words are in the cited passage", overlap)
    if embedder is None:
        return Verdict(True, "word and number overlap", overlap)
    vectors = embedder.embed_passages([text, *passages])
    similarity = float(np.max(vectors[1:] @ vectors[0]))
    if similarity < min_similarity:
        return Verdict(
            False, f"meaning differs from the cited passage (similarity {similarity:.2f})", overlap
        )
    return Verdict(True, "word, number and meaning overlap", overlap, similarity)


def verify_plain(text: str, plain: str, lexicon: Lexicon | None = None) -> Verdict:
    """Check a plain-language rendering against the verified statement it was derived from.

    The statement itself is checked against its passage (`verify_statement`); the rendering must then
    say nothing the statement does not: the same numbers, every drug name, at least as many negations,
    and every content word from the statement, from the lexicon's plain words for terms the statement
    holds, or from the few connectives a sentence cut adds ("This applies when ...").
    """
    lexicon = lexicon or load_lexicon()
    source = strip_markers(text)
    if numbers_in(plain) != numbers_in(source):
        changed = sorted(numbers_in(plain) ^ numbers_in(source))
        return Verdict(False, f"plain rendering changes number(s) {', '.join(changed)}", 0.0)
    drugs = {d.name.lower() for d in find_drugs(source)} - {d.name.lower() for d in find_drugs(plain)}
    if drugs:
        return Verdict(False, f"plain rendering drops drug name(s) {', '.join(sorted(drugs))}", 0.0)
    if len(_NEGATION.findall(plain)) < len(_NEGATION.findall(source)):
        return Verdict(False, "plain rendering drops a negation", 0.0)
    allowed = set(tokenize(source)) | set(tokenize(" ".join(CONNECTIVES)))
    for swap in lexicon.swaps(source):
        allowed |= set(tokenize(swap.plain))
    extra = sorted(set(tokenize(plain)) - allowed)
    if extra:
        return Verdict(False, f"plain rendering adds word(s) {', '.join(extra)}", 0.0)
    return Verdict(True, "plain rendering of the verified statement", 1.0)


def verify_article(article: AnswerArticle, embedder: Embedder | None = None) -> AnswerArticle:
    """Remove unsupported statements in place; count and list them in provenance. A plain rendering
    that fails `verify_plain` is removed (the verified statement is shown instead) and listed."""
    passages = {ref.number: [p.text for p in ref.passages] for ref in article.references}
    dropped: list[DroppedStatement] = []
    rejected: list[DroppedStatement] = []

    def keep(section: str) -> Callable[[Statement], bool]:
        def check(statement: Statement) -> bool:
            cited = [p for n in statement.citations for p in passages.get(n, [])]
            unknown = [n for n in statement.citations if n not in passages]
            verdict = (
                Verdict(False, f"cites unknown reference(s) {unknown}", 0.0)
                if unknown
                else verify_statement(statement.text, cited, embedder)
            )
            if not verdict.supported:
                dropped.append(DroppedStatement(section=section, text=statement.text, reason=verdict.reason))
            elif statement.plain is not None:
                plain = verify_plain(statement.text, statement.plain)
                if not plain.supported:
                    rejected.append(
                        DroppedStatement(section=section, text=statement.plain, reason=plain.reason)
                    )
                    statement.plain = None
            return verdict.supported

        return check

    a = article
    c = a.important_considerations
    a.bottom_line = [s for s in a.bottom_line if keep("bottom_line")(s)]
    a.treatment_algorithm = [s for s in a.treatment_algorithm if keep("treatment_algorithm")(s)]
    a.specific_recommendation = [s for s in a.specific_recommendation if keep("specific_recommendation")(s)]
    a.evidence_supporting = [s for s in a.evidence_supporting if keep("evidence_supporting")(s)]
    c.monitoring = [s for s in c.monitoring if keep("monitoring")(s)]
    c.alternatives = [s for s in c.alternatives if keep("alternatives")(s)]
    c.cautions = [s for s in c.cautions if keep("cautions")(s)]
    c.multidisciplinary = [s for s in c.multidisciplinary if keep("multidisciplinary")(s)]
    a.found_but_not_recommended = [
        s for s in a.found_but_not_recommended if keep("found_but_not_recommended")(s)
    ]
    if a.closing_rationale is not None and not keep("closing_rationale")(a.closing_rationale):
        a.closing_rationale = None
    a.provenance.dropped.extend(dropped)
    a.provenance.plain_rejected.extend(rejected)
    a.provenance.statements_dropped += len(dropped)
    return a
