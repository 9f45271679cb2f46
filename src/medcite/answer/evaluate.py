"""Evaluate answers against a question set: key facts, citations (ALCE definitions), abstention.

Question file (YAML list), compatible with the starter library's `questions.yaml`:

    - question: "Next step for RA despite methotrexate 20 mg weekly?"
      key_facts: ["biologic DMARD", "JAK inhibitor"]   # or key_phrase: "..."; case-insensitive
      topic: ra_management                              # optional: expected source (file stem or title part)
      answerable: true                                  # false: the knowledge base should not answer

Definitions (Gao et al. 2023, ALCE): a statement is *supported* when its cited passages together support it
(here: MedCite's verifier: numbers, content words and, with vectors, embedding similarity); a citation is
*precise* unless it neither supports the statement alone nor is needed for the others to support it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from medcite.answer.schema import AnswerArticle, Statement
from medcite.answer.service import AnswerService
from medcite.answer.verify import verify_statement
from medcite.errors import InputError
from medcite.search.embeddings import Embedder
from medcite.store.tables import SourceRow


@dataclass
class EvalQuestion:
    question: str
    key_facts: list[str] = field(default_factory=list)
    topic: str | None = None
    answerable: bool = True


@dataclass
class QuestionResult:
    question: EvalQuestion
    abstained: bool
    facts_found: int
    facts_in_bottom_line: int
    statements: int
    supported: int
    citations: int
    precise: int
    source_hit: bool | None
    ms: float
    topic_first: bool | None = None  # the first reference (the bottom line's source) is the expected topic


@dataclass
class EvalReport:
    results: list[QuestionResult]

    def metrics(self) -> dict[str, float | int | None]:
        answerable = [r for r in self.results if r.question.answerable]
        unanswerable = [r for r in self.results if not r.question.answerable]
        answered = [r for r in answerable if not r.abstained]
        facts = sum(len(r.question.key_facts) for r in answerable)
        abstained = [r for r in self.results if r.abstained]
        statements = sum(r.statements for r in self.results)
        citations = sum(r.citations for r in self.results)
        with_topic = [r for r in answerable if r.source_hit is not None]
        return {
            "questions": len(self.results),
            "answerable": len(answerable),
            "key_fact_recall": _ratio(sum(r.facts_found for r in answerable), facts),
            "key_fact_recall_bottom_line": _ratio(sum(r.facts_in_bottom_line for r in answerable), facts),
            "citation_recall": _ratio(sum(r.supported for r in self.results), statements),
            "citation_precision": _ratio(sum(r.precise for r in self.results), citations),
            "answers_with_unsupported_statements": _ratio(
                sum(1 for r in answered if r.supported < r.statements), len(answered)
            ),
            "abstention_precision": _ratio(
                sum(1 for r in abstained if not r.question.answerable), len(abstained)
            ),
            "abstention_recall": _ratio(sum(1 for r in unanswerable if r.abstained), len(unanswerable)),
            "over_refusal_rate": _ratio(sum(1 for r in answerable if r.abstained), len(answerable)),
            "source_hit_rate": _ratio(sum(1 for r in with_topic if r.source_hit), len(with_topic)),
            "topic_first_rate": _ratio(sum(1 for r in with_topic if r.topic_first), len(with_topic)),
            "median_ms": sorted(r.ms for r in self.results)[len(self.results) // 2] if self.results else None,
        }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def load_questions(path: Path) -> list[EvalQuestion]:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"Cannot read the question file {path}: {exc}") from exc
    if not isinstance(data, list):
        raise InputError(f"{path} must hold a YAML list of questions (see docs/answers.md).")
    out = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not item.get("question"):
            raise InputError(f"{path}: entry {i} has no 'question'.")
        facts = item.get("key_facts") or ([item["key_phrase"]] if item.get("key_phrase") else [])
        out.append(
            EvalQuestion(
                question=str(item["question"]),
                key_facts=[str(f) for f in facts],
                topic=item.get("topic"),
                answerable=bool(item.get("answerable", True)),
            )
        )
    return out


def _norm(text: str) -> str:
    """Case, dashes, "µg"/"mcg" and range notation ("2 to 3" is "2-3") do not change a fact."""
    text = text.lower().replace("–", "-").replace("—", "-").replace("µg", "mcg")
    text = re.sub(r"(\d)\s*(?:-|to)\s*(\d)", r"\1-\2", text)
    return " ".join(re.sub(r"[^\w%/.+-]+", " ", text).split())


def _passages(article: AnswerArticle, numbers: list[int]) -> list[str]:
    refs = {r.number: r for r in article.references}
    return [p.text for n in numbers if n in refs for p in refs[n].passages]


def citation_scores(article: AnswerArticle, embedder: Embedder | None) -> tuple[int, int, int, int]:
    """(statements, supported, citations, precise) over the article's cited statements."""
    statements = supported = citations = precise = 0
    items: list[Statement] = [s for name, s in article.statements() if name != "found_but_not_recommended"]
    for s in items:
        statements += 1
        ok = verify_statement(s.text, _passages(article, s.citations), embedder).supported
        supported += ok
        for n in s.citations:
            citations += 1
            alone = verify_statement(s.text, _passages(article, [n]), embedder).supported
            others = [m for m in s.citations if m != n]
            needed = ok and not (
                others and verify_statement(s.text, _passages(article, others), embedder).supported
            )
            precise += alone or needed
    return statements, supported, citations, precise


def evaluate(
    service: AnswerService, questions: list[EvalQuestion], use_embeddings: bool = False
) -> EvalReport:
    embedder = service.search.embedder if use_embeddings and service.search.backend.has_vectors else None
    origins = _origins(service)
    results = []
    for q in questions:
        article = service.ask(q.question)
        body = _norm(
            " ".join(s.text for name, s in article.statements() if name != "found_but_not_recommended")
        )
        bottom = _norm(" ".join(s.text for s in article.bottom_line))
        facts = [_norm(f) for f in q.key_facts]
        statements, supported, citations, precise = citation_scores(article, embedder)
        hit = first = None
        if q.topic:
            topic = q.topic.lower()
            matches = [
                topic in origins.get(r.source_id, "").lower() or topic in r.title.lower()
                for r in article.references
            ]
            hit, first = any(matches), bool(matches) and matches[0]
        results.append(
            QuestionResult(
                question=q,
                abstained=article.insufficient_evidence,
                facts_found=sum(1 for f in facts if f in body),
                facts_in_bottom_line=sum(1 for f in facts if f in bottom),
                statements=statements,
                supported=supported,
                citations=citations,
                precise=precise,
                source_hit=hit,
                topic_first=first,
                ms=article.provenance.timings_ms.get("total", 0.0),
            )
        )
    return EvalReport(results)


def _origins(service: AnswerService) -> dict[int, str]:
    """Source id -> file stem of its origin, for matching the question's expected topic."""
    with service.store.session() as s:
        return {sid: Path(origin).stem for sid, origin in s.execute(select(SourceRow.id, SourceRow.origin))}
