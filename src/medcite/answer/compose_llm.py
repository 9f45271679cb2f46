"""The LLM composer (opt-in): an OpenAI-compatible model writes the sections, MedCite checks them.

The model gets the identifier-scrubbed question and the selected evidence as numbered passages
and must reply with the sections as JSON (`LLMArticle`). The reply is parsed with `json.loads`
and validated with pydantic, never evaluated; invalid replies are retried a bounded number of
times with the error quoted back. Then each statement goes through the same check as the
extractive composer's (`verify.verify_statement`) against the passages it cites: citations to
numbers that were not given are removed, statements with no valid citation or with unsupported
words or numbers are dropped and counted in provenance.

Any failure (server down, timeout, HTTP error, invalid output after retries, the abstain phrase,
nothing left after verification) returns the extractive article instead, with the reason in
`provenance.composer` ("extractive (fallback: ...)"). The model never adds references: every
reference is a source MedCite retrieved, cited by the exact passage.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from medcite.answer import prompts
from medcite.answer.analyse import Analysis
from medcite.answer.compose_extractive import SourceInfo, _Builder, completeness, relevant_candidates
from medcite.answer.schema import AnswerArticle, Considerations, DroppedStatement, Statement
from medcite.answer.select import Candidate, Selection
from medcite.answer.verify import verify_statement
from medcite.config import LLMSettings
from medcite.errors import LLMError
from medcite.llm.client import LLMClient
from medcite.search.embeddings import Embedder

MAX_STATEMENT_CHARS = 400
_INLINE_CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;-]\s*\d+)*)\]")
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.I)


class LLMStatement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_STATEMENT_CHARS)
    citations: list[int] = Field(max_length=6)


class LLMArticle(BaseModel):
    """What the model must return: every section present, each a (possibly empty) list."""

    model_config = ConfigDict(extra="forbid")

    bottom_line: list[LLMStatement] = Field(max_length=3)
    treatment_algorithm: list[LLMStatement] = Field(max_length=6)
    specific_recommendation: list[LLMStatement] = Field(max_length=6)
    evidence_supporting: list[LLMStatement] = Field(max_length=4)
    monitoring: list[LLMStatement] = Field(max_length=4)
    alternatives: list[LLMStatement] = Field(max_length=4)
    cautions: list[LLMStatement] = Field(max_length=4)
    multidisciplinary: list[LLMStatement] = Field(max_length=3)


SECTIONS = tuple(LLMArticle.model_fields)


def output_schema() -> dict[str, Any]:
    """JSON schema sent as the response format (closed objects, every field required).

    String length limits stay in pydantic validation only: OpenAI's strict mode rejects them, and
    llama.cpp expands `maxLength: 400` into a grammar that halves generation speed (docs/llm.md).
    """
    schema: dict[str, Any] = _without_keys(LLMArticle.model_json_schema(), {"minLength", "maxLength"})
    return schema


def _without_keys(node: Any, drop: set[str]) -> Any:
    if isinstance(node, dict):
        return {k: _without_keys(v, drop) for k, v in node.items() if k not in drop}
    if isinstance(node, list):
        return [_without_keys(v, drop) for v in node]
    return node


@dataclass
class LLMReport:
    """What happened during one LLM composition; the tests and `docs/llm.md` read it."""

    attempts: int = 0
    response_format: str | None = None
    citations_removed: int = 0
    dropped: list[DroppedStatement] = field(default_factory=list)
    fallback_reason: str | None = None
    replies: list[str] = field(default_factory=list)


def parse_reply(content: str) -> LLMArticle:
    """`json.loads` plus pydantic validation; raise ValueError with a short reason."""
    text = _FENCE.sub("", content.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0:
        raise ValueError("the reply holds no JSON object")
    try:
        data = json.loads(text[start : end + 1] if end > start else text[start:])
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at character {exc.pos})") from exc
    try:
        return LLMArticle.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise ValueError(f"JSON does not match the schema ({where}: {first['msg']})") from exc


def compose_llm(
    extractive: AnswerArticle,
    analysis: Analysis,
    selection: Selection,
    sources: dict[int, SourceInfo],
    settings: LLMSettings,
    embedder: Embedder | None = None,
    client: LLMClient | None = None,
) -> AnswerArticle:
    """The LLM's article, verified; or `extractive` with the fallback reason in provenance."""
    article, _ = compose_llm_report(extractive, analysis, selection, sources, settings, embedder, client)
    return article


def compose_llm_report(
    extractive: AnswerArticle,
    analysis: Analysis,
    selection: Selection,
    sources: dict[int, SourceInfo],
    settings: LLMSettings,
    embedder: Embedder | None = None,
    client: LLMClient | None = None,
) -> tuple[AnswerArticle, LLMReport]:
    report = LLMReport()

    def fallback(reason: str) -> tuple[AnswerArticle, LLMReport]:
        report.fallback_reason = reason
        extractive.provenance.composer = f"extractive (fallback: {reason})"
        return extractive, report

    if extractive.insufficient_evidence:
        return fallback("insufficient evidence, LLM not asked")
    candidates = relevant_candidates(selection, sources)[: settings.max_passages]
    if not candidates:
        return fallback("no passages to send")
    passages = [(_label(c), c.text) for c in candidates]
    # analysis.question is the identifier-scrubbed question: nothing else about the patient is sent.
    messages = prompts.messages(
        analysis.question, passages, extractive.audience, system=settings.system_prompt or prompts.SYSTEM
    )
    if client is None:
        with LLMClient(settings) as own:
            outcome = _ask(own, messages, settings.max_retries, report)
    else:
        outcome = _ask(client, messages, settings.max_retries, report)
    if isinstance(outcome, str):
        return fallback(outcome)
    parsed = outcome

    article = extractive.model_copy(deep=True)
    built = _build_sections(parsed, candidates, sources, embedder, report)
    if built is None:
        return fallback(f"no statement survived verification ({len(report.dropped)} dropped)")
    sections, builder = built
    article.bottom_line = sections["bottom_line"]
    article.treatment_algorithm = sections["treatment_algorithm"]
    article.specific_recommendation = sections["specific_recommendation"]
    article.evidence_supporting = sections["evidence_supporting"]
    article.important_considerations = Considerations(
        monitoring=sections["monitoring"],
        alternatives=sections["alternatives"],
        cautions=sections["cautions"],
        multidisciplinary=sections["multidisciplinary"],
    )
    article.closing_rationale = None
    article.found_but_not_recommended = []
    article.references = builder.references()
    article.evidence_level = [
        f"[{r.number}] {r.evidence_level}" for r in article.references if r.evidence_level
    ]
    # Conflict warnings cite the extractive article's reference numbers; the LLM's differ.
    article.warnings = [w for w in article.warnings if w.kind != "conflict"]
    prov = article.provenance
    prov.composer = f"llm:{settings.model}"
    prov.dropped.extend(report.dropped)
    prov.statements_dropped += len(report.dropped)
    prov.completeness_covered, prov.completeness_gaps = completeness(article)
    return article, report


def _ask(
    client: LLMClient, messages: list[dict[str, str]], max_retries: int, report: LLMReport
) -> LLMArticle | str:
    """The validated reply, or the reason there is none. Invalid replies are retried with the error."""
    error = ""
    for _ in range(1 + max_retries):
        report.attempts += 1
        try:
            completion = client.complete_json(messages, output_schema())
        except LLMError as exc:
            return str(exc)
        report.response_format = completion.response_format
        report.replies.append(completion.content)
        if prompts.is_abstention(completion.content):
            return "the model said the passages do not answer the question"
        try:
            return parse_reply(completion.content)
        except ValueError as exc:
            error = str(exc)
            if completion.finish_reason == "length":
                error += "; the reply was cut off, keep it shorter"
            messages = [
                *messages,
                {"role": "assistant", "content": completion.content[:2000]},
                {"role": "user", "content": prompts.RETRY.format(error=error)},
            ]
    attempts = f"{report.attempts} attempt{'s' if report.attempts != 1 else ''}"
    return f"invalid output after {attempts}: {error}"


def _build_sections(
    parsed: LLMArticle,
    candidates: list[Candidate],
    sources: dict[int, SourceInfo],
    embedder: Embedder | None,
    report: LLMReport,
) -> tuple[dict[str, list[Statement]], _Builder] | None:
    """Verify each statement against the passages it cites; keep and cite the supported ones."""
    builder = _Builder(sources)
    dropped = report.dropped
    sections: dict[str, list[Statement]] = {}
    for name in SECTIONS:
        kept: list[Statement] = []
        for item in getattr(parsed, name):
            text, inline = _strip_inline_citations(item.text)
            asked = list(dict.fromkeys([*item.citations, *inline]))
            valid = [n for n in asked if 1 <= n <= len(candidates)]
            report.citations_removed += len(asked) - len(valid)
            if not text:
                continue
            if not valid:
                dropped.append(DroppedStatement(section=name, text=text, reason="cites no given passage"))
                continue
            cited = [candidates[n - 1] for n in valid]
            verdict = verify_statement(text, [c.passage for c in cited], embedder)
            if not verdict.supported:
                dropped.append(DroppedStatement(section=name, text=text, reason=verdict.reason))
                continue
            numbers = [builder.statement(c).citations[0] for c in cited]
            kept.append(Statement(text=text, citations=sorted(set(numbers)), lead=None, role=cited[0].role))
        sections[name] = kept
    if not any(sections.values()):
        return None
    if not sections["bottom_line"]:  # an article always leads with its answer
        for name in SECTIONS[1:]:
            if sections[name]:
                sections["bottom_line"] = [sections[name].pop(0)]
                break
    return sections, builder


def _strip_inline_citations(text: str) -> tuple[str, list[int]]:
    """Move "[2]" markers from the text into citations: their numbers are not facts to verify."""
    numbers: list[int] = []
    for m in _INLINE_CITATION.finditer(text):
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
                numbers.extend(range(a, b + 1) if 0 < b - a < 10 else [a, b])
            else:
                numbers.append(int(part))
    return " ".join(_INLINE_CITATION.sub("", text).split()), numbers


def _label(c: Candidate) -> str:
    return " > ".join([c.hit.source_title, *c.hit.section_path[1:]]) or c.hit.source_title


__all__ = ["LLMArticle", "LLMReport", "compose_llm", "compose_llm_report", "output_schema", "parse_reply"]
