"""Answer a question through the editorial layer: approved content first, every new answer stored.

This is what `medcite ask` (and later the API) calls. An Approved article for the same question
(or a measured-close one with the same intent, numbers and qualifiers) is served as approved; else
the question's live article is reused (composed again first when it is a draft that another MedCite
composed, see `articles.recompose_article`); else a new article is composed, stored as Submitted and
served with the pending-review banner.
"""

from __future__ import annotations

from medcite.answer.schema import AnswerArticle, Audience
from medcite.answer.service import AnswerService, validate_question
from medcite.editorial.articles import find_reusable, resolve_article
from medcite.editorial.normalise import normalise_question


def ask_reviewed(
    service: AnswerService,
    question: str,
    audience: Audience = Audience.CLINICIAN,
    k: int | None = None,
    llm: bool | None = None,
) -> AnswerArticle:
    """The article that answers `question`, with its stored review state."""
    validate_question(question)
    analysis = service.analyse(question)  # validates and scrubs identifiers: only the scrubbed text is stored
    vector = None
    if service.settings.ingest.embed:
        vector = service.search.embedder.embed_query(analysis.question)
    kb_version = service.store.kb_version()
    use_llm = service.settings.llm.enabled if llm is None else llm
    if use_llm:
        # LLM output is not deterministic, so it is not stored as an article for review; approved
        # (human-reviewed) content still takes precedence over a fresh LLM composition.
        match = find_reusable(
            service.store,
            normalise_question(analysis.question),
            audience.value,
            kb_version,
            analysis.intent.value,
            vector,
        )
        if match is None:
            fresh = service.ask(question, audience=audience, k=k, llm=True)
            fresh.review.reuse = "not stored (LLM composition)"
            return fresh
        article = AnswerArticle.model_validate(match.article.served_answer())
        article.review.reuse = "approved_exact" if match.how == "exact" else "approved_semantic"
        return article
    view, reuse = resolve_article(
        service.store,
        question=analysis.question,
        audience=audience.value,
        kb_version=kb_version,
        intent=analysis.intent.value,
        question_vector=vector,
        compose=lambda: service.ask(question, audience=audience, k=k, llm=False).model_dump(mode="json"),
    )
    article = AnswerArticle.model_validate(view.served_answer())
    article.review.reuse = reuse
    return article
