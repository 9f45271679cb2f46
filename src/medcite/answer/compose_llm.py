"""The LLM composer (opt-in): any OpenAI-compatible server writes the article from numbered passages.

The model's reply is parsed with `json.loads` and validated with pydantic (never evaluated); invalid
replies are retried with the validation error, up to `answer.llm_retries` times. Passage numbers are
mapped back to the exact source spans, so the article's references and passages are built by MedCite,
not the model. The same verification as the extractive composer then drops what the cited passages do
not support. Any failure (server down, timeouts, invalid JSON after retries) raises `LLMError`, and the
service falls back to the extractive composer.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from medcite.answer.analyse import Analysis
from medcite.answer.compose_extractive import (
    SourceInfo,
    _Builder,
    finish_article,
    insufficient_article,
    new_article,
    relevant_candidates,
)
from medcite.answer.prompts import SYSTEM, repair_prompt, user_prompt
from medcite.answer.schema import AnswerArticle, Audience, Considerations, Provenance, Role, Statement
from medcite.answer.select import Candidate, Selection
from medcite.config import AnswerSettings
from medcite.errors import ConfigError, MedCiteError, MissingDependencyError


class LLMError(MedCiteError):
    """The LLM composer could not produce a valid article."""


class _Cited(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1, max_length=1000)
    cites: list[int] = Field(min_length=1)


class LLMDraft(BaseModel):
    """What the model must return (see prompts.SYSTEM)."""

    model_config = ConfigDict(extra="ignore")
    insufficient: bool = False
    bottom_line: list[_Cited] = Field(default_factory=list)
    treatment_algorithm: list[_Cited] = Field(default_factory=list)
    specific_recommendation: list[_Cited] = Field(default_factory=list)
    evidence_supporting: list[_Cited] = Field(default_factory=list)
    monitoring: list[_Cited] = Field(default_factory=list)
    alternatives: list[_Cited] = Field(default_factory=list)
    cautions: list[_Cited] = Field(default_factory=list)
    multidisciplinary: list[_Cited] = Field(default_factory=list)
    closing_rationale: _Cited | None = None


def parse_draft(content: str, n_passages: int) -> LLMDraft:
    """json.loads + pydantic; citations must name given passages. Raises ValueError with the reason."""
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at position {exc.pos})") from exc
    try:
        draft = LLMDraft.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"JSON does not match the schema: {exc.errors()[0]['msg']}") from exc
    for field in LLMDraft.model_fields:
        value = getattr(draft, field)
        items = value if isinstance(value, list) else [value] if isinstance(value, _Cited) else []
        for item in items:
            bad = [n for n in item.cites if not 1 <= n <= n_passages]
            if bad:
                raise ValueError(f"citation(s) {bad} are not passage numbers 1-{n_passages}")
    if not draft.insufficient and not draft.bottom_line:
        raise ValueError("bottom_line is empty but insufficient is false")
    return draft


def _client(settings: AnswerSettings) -> Any:
    if not settings.llm_base_url or not settings.llm_model:
        raise ConfigError(
            "The LLM composer needs a server and a model: set MEDCITE_ANSWER__LLM_BASE_URL "
            "(e.g. http://127.0.0.1:8080/v1) and MEDCITE_ANSWER__LLM_MODEL, or use the extractive composer."
        )
    try:
        from openai import OpenAI
    except ImportError as exc:
        raise MissingDependencyError("The LLM composer needs `pip install 'medcite[llm]'`.") from exc
    return OpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout_s,
        max_retries=0,
    )


def request_draft(settings: AnswerSettings, messages: list[dict[str, str]], n_passages: int) -> LLMDraft:
    """Ask the server; retry invalid replies with the reason. Raises LLMError."""
    import openai

    client = _client(settings)
    last_error = ""
    for _attempt in range(settings.llm_retries + 1):
        try:
            response = client.chat.completions.create(
                model=settings.llm_model,
                messages=messages,
                temperature=0,
                seed=0,
                response_format={"type": "json_object"},
            )
        except openai.OpenAIError as exc:
            cause = f" ({exc.__cause__.__class__.__name__}: {exc.__cause__})" if exc.__cause__ else ""
            raise LLMError(
                f"The LLM server at {settings.llm_base_url} failed: {exc.__class__.__name__}: {exc}{cause}"
            ) from exc
        content = (response.choices[0].message.content or "") if response.choices else ""
        try:
            return parse_draft(content, n_passages)
        except ValueError as exc:
            last_error = str(exc)
            messages = [
                *messages,
                {"role": "assistant", "content": content},
                {"role": "user", "content": repair_prompt(last_error)},
            ]
    raise LLMError(f"The model gave no valid article after {settings.llm_retries + 1} attempts: {last_error}")


def compose_llm(
    analysis: Analysis,
    selection: Selection,
    sources: dict[int, SourceInfo],
    provenance: Provenance,
    settings: AnswerSettings,
    audience: Audience = Audience.CLINICIAN,
    insufficient: bool = False,
) -> AnswerArticle:
    b = _Builder(sources)
    article, warnings = new_article(analysis, provenance, audience)
    article.provenance.composer = settings.llm_model
    pool = relevant_candidates(selection)[: settings.llm_max_passages]
    if insufficient or not pool:
        return insufficient_article(article, warnings, selection, b)
    passages = [(i, _label(c, sources), c.text) for i, c in enumerate(pool, start=1)]
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": user_prompt(analysis.question, article.assessment.summary, passages)},
    ]
    draft = request_draft(settings, messages, len(pool))
    if draft.insufficient:
        return insufficient_article(article, warnings, selection, b)

    def statements(items: list[_Cited], role: Role | None = None) -> list[Statement]:
        return [b.cite([pool[n - 1] for n in item.cites], item.text, role=role) for item in items]

    article.bottom_line = statements(draft.bottom_line)
    article.treatment_algorithm = statements(draft.treatment_algorithm, Role.RECOMMENDATION)
    article.specific_recommendation = statements(draft.specific_recommendation, Role.DOSING)
    article.evidence_supporting = statements(draft.evidence_supporting, Role.STUDY_RESULT)
    article.important_considerations = Considerations(
        monitoring=statements(draft.monitoring, Role.MONITORING),
        alternatives=statements(draft.alternatives, Role.ALTERNATIVE),
        cautions=statements(draft.cautions, Role.CAUTION),
        multidisciplinary=statements(draft.multidisciplinary, Role.REFERRAL),
    )
    if draft.closing_rationale is not None:
        article.closing_rationale = statements([draft.closing_rationale])[0]
    return finish_article(article, warnings, b)


def _label(c: Candidate, sources: dict[int, SourceInfo]) -> str:
    info = sources[c.hit.source_id]
    return f"{info.kind}, {info.title}" + (f", {info.year}" if info.year else "")
