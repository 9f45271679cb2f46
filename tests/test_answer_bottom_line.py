"""The bottom line on the starter library: one source, the section for the patient's stage, the drug asked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcite.answer.schema import AnswerArticle
from medcite.answer.service import AnswerService, evidence_strength
from medcite.config import load_settings
from medcite.library.bootstrap import ensure_library
from medcite.models import SearchHit, SourceKind
from medcite.search.embeddings import get_embedder
from medcite.store import Store

# Written for this test, not taken from the library's question set (which the rules were tuned on).
FAILED = "Asthma still uncontrolled despite a low-dose ICS inhaler taken correctly. What next?"
FIRST = "Newly diagnosed hypertension, BP 164/98 on two clinic visits, no treatment yet. Which drug first?"
DOSE = "Man with atrial fibrillation, normal kidneys, age 60. What dose of apixaban?"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnswerService]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("library-kb"))
    store = Store(settings.database_url)
    ensure_library(store, settings, get_embedder(settings.search.embedder))
    yield AnswerService(settings, store)
    store.dispose()


def _sections(article: AnswerArticle) -> list[str]:
    """Section paths of the passages the first bottom-line statement cites."""
    first = article.bottom_line[0]
    refs = {r.number: r for r in article.references}
    return [
        " > ".join(p.section_path)
        for n in first.citations
        for p in refs[n].passages
        if first.text[:40] in p.text or p.text[:40] in first.text
    ]


@pytest.mark.parametrize("question", [FAILED, FIRST, DOSE])
def test_bottom_line_comes_from_one_source(service: AnswerService, question: str) -> None:
    article = service.ask(question, verify_embeddings=False)
    assert article.bottom_line, question
    assert len({n for s in article.bottom_line for n in s.citations}) == 1, [
        s.text for s in article.bottom_line
    ]


def test_after_inadequate_response_the_failure_section_leads(service: AnswerService) -> None:
    article = service.ask(FAILED, verify_embeddings=False)
    assert any("Inadequate response" in s or "Refractory" in s for s in _sections(article)), _sections(
        article
    )


def test_without_failure_the_first_line_section_leads(service: AnswerService) -> None:
    article = service.ask(FIRST, verify_embeddings=False)
    assert any("First line" in s for s in _sections(article)), _sections(article)


def test_dosing_question_leads_with_the_drug_asked_about(service: AnswerService) -> None:
    article = service.ask(DOSE, verify_embeddings=False)
    assert "apixaban" in article.bottom_line[0].text.lower()


def _hit(chunk_id: int, source_id: int, text: str) -> SearchHit:
    return SearchHit(chunk_id, source_id, 1.0, text, ("Recommendations",), f"Source {source_id}",
                     SourceKind.GUIDELINE, None, 0, len(text))  # fmt: skip


def test_evidence_strength_counts_a_source_s_passages_together() -> None:
    condition, drug = "Treat urticaria with antihistamines first.", "Start omalizumab at 300 mg."
    # one passage names the condition, the other the drug: together, in one source, they cover both terms
    assert evidence_strength([_hit(1, 1, condition), _hit(2, 1, drug)], ["urticaria", "omalizumab"]) == 1.0
    assert evidence_strength([_hit(1, 1, condition), _hit(2, 2, drug)], ["urticaria", "omalizumab"]) == 0.5
