"""Answer articles end to end over a real knowledge base (fixture guidelines, real e5-small vectors).

The invariants of DESIGN.md section 1 are checked over many questions, not one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.answer.render import HEADINGS, render_html, render_json, render_markdown
from medcite.answer.schema import AnswerArticle, Audience, ReviewStatus, Statement
from medcite.answer.service import AnswerService
from medcite.answer.verify import numbers_in, verify_article
from medcite.config import Settings, load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.search.embeddings import get_embedder
from medcite.store import Store
from medcite.store.sources import get_source

FIXTURES = Path(__file__).parent / "fixtures" / "answers"

ON_TOPIC = [
    "What is the next step for a patient with example syndrome whose EFS fell from 30/52 to 26/52 over two "
    "weeks on drug A and drug B, who responded before to treatment C?",
    "Example syndrome not controlled on drug A and drug B and treatment C never helped: what next?",
    "What dose of drug D is used in example syndrome?",
    "How should example syndrome be monitored after treatment C?",
    "What are the risks of treatment C in example syndrome?",
    "Is there trial evidence for drug D in example syndrome?",
    "When should a patient with example syndrome be referred to a specialist centre?",
    "Next step for a 54-year-old woman with RA despite methotrexate 20 mg weekly, DAS28 5.1, CRP 34 mg/L?",
    "What is the first-line treatment for rheumatoid arthritis?",
    "What is the starting dose of methotrexate in rheumatoid arthritis?",
    "How often should blood tests be checked on methotrexate?",
    "Can methotrexate be used in pregnancy?",
    "What should be done if a first biologic fails in rheumatoid arthritis?",
    "Which screening is needed before starting adalimumab?",
    "What is the dose of adalimumab in RA?",
    "Is trimethoprim safe with methotrexate?",
    "RA with DAS28 rising from 3.2 to 5.0 over 3 months on methotrexate and sulfasalazine: next step?",
    "What is the first-line drug for type 2 diabetes?",
    "What dose of metformin for type 2 diabetes with eGFR 38 mL/min/1.73m2?",
    "HbA1c rose from 7.2% to 8.6% over 6 months in a 60 yo man with type 2 diabetes on metformin. "
    "What to add?",
    "Type 2 diabetes with heart failure on metformin: which second drug?",
    "How often should HbA1c be measured in type 2 diabetes?",
    "What are the risks of SGLT2 inhibitors during acute illness?",
    "Should vitamin B12 be monitored on metformin?",
    "What is the first-line treatment for hypertension in a patient with type 2 diabetes?",
    "Is lisinopril safe in a pregnant woman with hypertension, BP 150/95?",
    "Blood pressure uncontrolled on amlodipine and lisinopril: what next?",
    "What dose of amlodipine for hypertension?",
    "How should potassium be monitored after starting an ACE inhibitor?",
    "Can an ACE inhibitor be combined with an angiotensin receptor blocker?",
    "When should hypertension be referred the same day?",
    "How is hypertension diagnosed?",
]
# Also answered with hybrid (dense) retrieval; their articles replace the lexical-only ones.
DENSE_QUESTIONS = [ON_TOPIC[0], ON_TOPIC[7], ON_TOPIC[9], ON_TOPIC[11]]
OFF_TOPIC = [
    "What is the treatment of malaria in children?",
    "What dose of allopurinol is used for gout?",
    "How is community-acquired pneumonia treated in adults?",
    "What is the prognosis of glioblastoma?",
    "Which antiepileptic is preferred in juvenile myoclonic epilepsy?",
    "How is iron deficiency anaemia in pregnancy managed?",
]


KB = tuple[Settings, Store, AnswerService]


def _build(tmp_path_factory: pytest.TempPathFactory, embed: bool, files: list[Path]) -> KB:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("answers-kb"), ingest={"embed": embed})
    store = Store(settings.database_url)
    report = ingest_paths(files, store, settings, get_embedder("e5-small") if embed else None)
    assert report.count("added") == len(files)
    return settings, store, AnswerService(settings, store)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KB]:
    """Lexical only: the many-question invariants stay fast on a busy 2-core machine."""
    built = _build(tmp_path_factory, embed=False, files=sorted(FIXTURES.glob("*.md")))
    yield built
    built[1].dispose()


@pytest.fixture(scope="module")
def dense_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KB]:
    """Hybrid retrieval with the real e5-small vectors, as `medcite ask` runs by default."""
    names = ["example_syndrome.md", "example_trial.md", "ra_management.md", "methotrexate_label.md"]
    built = _build(tmp_path_factory, embed=True, files=[FIXTURES / n for n in names])
    yield built
    built[1].dispose()


@pytest.fixture(scope="module")
def articles(kb: KB, dense_kb: KB) -> dict[str, AnswerArticle]:
    out = {q: kb[2].ask(q) for q in ON_TOPIC + OFF_TOPIC}
    out.update({q: dense_kb[2].ask(q) for q in DENSE_QUESTIONS})
    return out


def _passages(article: AnswerArticle, s: Statement) -> list[str]:
    refs = {r.number: r for r in article.references}
    return [p.text for n in s.citations for p in refs[n].passages]


def test_every_statement_is_cited_from_retrieved_passages(
    kb: KB, dense_kb: KB, articles: dict[str, AnswerArticle]
) -> None:
    texts: dict[tuple[int, int], str] = {}
    for question, article in articles.items():
        store = dense_kb[1] if question in DENSE_QUESTIONS else kb[1]
        numbers = [r.number for r in article.references]
        assert numbers == list(range(1, len(numbers) + 1)), question
        cited = set()
        for section, s in article.statements():
            assert s.citations, (question, section, s.text)
            assert set(s.citations) <= set(numbers), (question, s.citations)
            cited |= set(s.citations)
        assert cited == set(numbers), f"uncited reference in {question!r}"
        retrieved = set(article.provenance.retrieved_chunks)
        for ref in article.references:
            key = (id(store), ref.source_id)
            if key not in texts:
                texts[key] = get_source(store, ref.source_id).text
            for p in ref.passages:
                assert p.chunk_id in retrieved, question
                assert texts[key][p.char_start : p.char_end] == p.text


def test_every_number_in_a_statement_is_in_its_cited_passage(articles: dict[str, AnswerArticle]) -> None:
    checked = 0
    for question, article in articles.items():
        for _, s in article.statements():
            cited = " ".join(_passages(article, s))
            assert numbers_in(s.text) <= numbers_in(cited), (question, s.text)
            checked += bool(numbers_in(s.text))
    assert checked >= 30


def test_on_topic_questions_get_a_recommendation(articles: dict[str, AnswerArticle]) -> None:
    for question in ON_TOPIC:
        article = articles[question]
        assert not article.insufficient_evidence, question
        assert article.bottom_line, question
        assert article.provenance.statements_dropped == 0, (question, article.provenance.dropped)
        assert len(article.follow_ups) <= 5 and all(q.endswith("?") for q in article.follow_ups)
    with_three = [q for q in ON_TOPIC if len(articles[q].follow_ups) >= 3]
    assert len(with_three) >= len(ON_TOPIC) * 2 // 3, len(with_three)


def test_off_topic_questions_say_so_and_recommend_nothing(articles: dict[str, AnswerArticle]) -> None:
    for question in OFF_TOPIC:
        article = articles[question]
        assert article.insufficient_evidence, (question, article.provenance.evidence_strength)
        assert [w.kind for w in article.warnings].count("insufficient_evidence") == 1
        assert (
            not article.bottom_line
            and not article.specific_recommendation
            and not article.treatment_algorithm
        )
        assert article.found_but_not_recommended, "shows what the search did find"


def test_evidence_strength_separates_on_and_off_topic(articles: dict[str, AnswerArticle]) -> None:
    on = min(articles[q].provenance.evidence_strength for q in ON_TOPIC)
    off = max(articles[q].provenance.evidence_strength for q in OFF_TOPIC)
    assert off < 0.5 <= on


def test_headline_question_fills_every_part_of_the_article(articles: dict[str, AnswerArticle]) -> None:
    article = articles[ON_TOPIC[0]]
    assert "EFS decreased from 30/52 to 26/52 over 2 weeks." in article.assessment.summary
    assert "Current treatment: drug A and drug B." in article.assessment.summary
    assert "Previous treatment: treatment C (responded before)." in article.assessment.summary
    assert "restart treatment C" in article.bottom_line[0].text
    assert len(article.treatment_algorithm) >= 3
    assert any("10 mg/kg" in s.text for s in article.specific_recommendation)
    assert {r.kind for r in article.references} == {"Guideline", "Trial"}
    assert article.evidence_supporting and all(
        s.lead and "Trial" in s.lead for s in article.evidence_supporting
    )
    c = article.important_considerations
    assert c.monitoring and c.cautions and c.multidisciplinary
    assert c.alternatives or any(s.lead == "If this fails" for s in article.treatment_algorithm)
    assert article.closing_rationale is not None
    assert article.provenance.completeness_gaps == []
    assert article.review.status is ReviewStatus.SUBMITTED
    assert article.evidence_level == ["[1] Grade B"]
    assert article.provenance.composer == "extractive" and article.provenance.kb_version >= 1
    assert set(article.provenance.timings_ms) >= {
        "analyse",
        "retrieve",
        "select",
        "compose",
        "verify",
        "total",
    }


def test_escalation_question_finds_escalation_not_first_line(articles: dict[str, AnswerArticle]) -> None:
    article = articles[ON_TOPIC[7]]
    assert re.search(r"escalate|add", article.bottom_line[0].text)
    assert "Pattern: inadequately controlled on methotrexate" in " ".join(article.assessment.summary)
    assert any("biologic" in s.text for s in article.bottom_line + article.treatment_algorithm)


def test_conflicting_doses_are_shown_with_both_citations(articles: dict[str, AnswerArticle]) -> None:
    article = articles["What is the starting dose of methotrexate in rheumatoid arthritis?"]
    [conflict] = [w for w in article.warnings if w.kind == "conflict"]
    assert len(conflict.citations) == 2
    dosing = article.bottom_line + article.specific_recommendation
    assert any("7.5 mg" in s.text for s in dosing) and any("15 mg" in s.text for s in dosing)
    kinds = {r.kind for r in article.references if r.number in conflict.citations}
    assert kinds == {"Guideline", "Drug label"}


def test_patient_facts_steer_cautions(articles: dict[str, AnswerArticle]) -> None:
    article = articles["Is lisinopril safe in a pregnant woman with hypertension, BP 150/95?"]
    assert "pregnancy" in article.bottom_line[0].text
    assert "Patient: pregnant woman." in article.assessment.summary


def test_same_question_gives_the_same_article(kb: KB, dense_kb: KB) -> None:
    for service, question in ((dense_kb[2], ON_TOPIC[0]), (kb[2], ON_TOPIC[9]), (kb[2], OFF_TOPIC[0])):
        first = json.dumps(service.ask(question).stable_dict(), sort_keys=True)
        assert json.dumps(service.ask(question).stable_dict(), sort_keys=True) == first


def test_audiences_change_wording_not_facts(kb: KB) -> None:
    service = kb[2]
    question = ON_TOPIC[7]
    by_audience = {a: service.ask(question, audience=a) for a in Audience}

    def facts(article: AnswerArticle) -> list[tuple[str, str, list[int]]]:
        return [(section, s.text, s.citations) for section, s in article.statements()]

    clinician = by_audience[Audience.CLINICIAN]
    trainee = by_audience[Audience.TRAINEE]
    assert facts(trainee) == facts(clinician) and trainee.references == clinician.references
    # patients: less depth, plain renderings of the same quoted statements (test_answer_patient.py)
    patient = by_audience[Audience.PATIENT]
    assert {(sec, text) for sec, text, _ in facts(patient)} <= {
        (sec, text) for sec, text, _ in facts(clinician)
    }
    assert all(s.plain for _, s in patient.statements())
    assert len({a.disclaimer for a in by_audience.values()}) == 3
    assert by_audience[Audience.PATIENT].glossary.get("RA") == "rheumatoid arthritis"
    assert by_audience[Audience.PATIENT].provenance.readability is not None
    leads = {a: [s.lead for s in art.treatment_algorithm] for a, art in by_audience.items()}
    assert leads[Audience.PATIENT] != leads[Audience.CLINICIAN]


def test_empty_knowledge_base_says_how_to_fill_it(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "empty", ingest={"embed": False})
    store = Store(settings.database_url)
    article = AnswerService(settings, store).ask("What is the first-line treatment for hypertension?")
    assert article.insufficient_evidence and not article.references
    assert any("medcite ingest" in w.text for w in article.warnings)
    store.dispose()


def test_red_flag_comes_first(kb: KB) -> None:
    article = kb[2].ask(
        "Patient with hypertension now has crushing chest pain and sweating: increase amlodipine?"
    )
    assert article.warnings[0].kind == "red_flag"
    assert "emergency" in article.warnings[0].text


def test_identifiers_never_reach_the_article(kb: KB) -> None:
    question = "Mr John Smith, MRN 12345678, DOB 01/02/1950, has hypertension. What dose of amlodipine?"
    article = kb[2].ask(question)
    dumped = render_json(article)
    for value in ("John", "Smith", "12345678", "01/02/1950"):
        assert value not in dumped
    assert article.provenance.identifiers_removed == {"MRN": 1, "DOB": 1, "NAME": 1}
    assert any(w.kind == "identifiers_removed" for w in article.warnings)


def test_verification_drops_unsupported_statements(articles: dict[str, AnswerArticle]) -> None:
    article = articles[ON_TOPIC[9]].model_copy(deep=True)
    kept = len(article.statements())
    article.specific_recommendation.append(
        Statement(text="Begin methotrexate at 50 mg daily.", citations=[1])
    )
    article.important_considerations.cautions.append(
        Statement(text="Amoxicillin is the preferred antibiotic for pneumonia.", citations=[1])
    )
    article.evidence_supporting.append(Statement(text="A claim citing nothing retrieved.", citations=[99]))
    before = article.provenance.statements_dropped
    verify_article(article, get_embedder("e5-small"))
    assert article.provenance.statements_dropped == before + 3
    assert len(article.statements()) == kept
    reasons = " ".join(d.reason for d in article.provenance.dropped)
    assert "50" in reasons and "unknown reference" in reasons


def test_paraphrase_is_checked_by_embedding_similarity() -> None:
    from medcite.answer.verify import MIN_SIMILARITY, verify_statement

    embedder = get_embedder("e5-small")
    passage = (
        "Methotrexate is contraindicated in pregnancy; stop it at least 3 months before a planned conception."
    )
    statement = "Methotrexate is contraindicated in pregnancy, stopped 3 months before conception."
    same = verify_statement(statement, [passage], embedder)
    assert same.supported and same.similarity is not None and same.similarity >= MIN_SIMILARITY
    strict = verify_statement(statement, [passage], embedder, min_similarity=0.999)
    assert not strict.supported and "similarity" in strict.reason


def test_renderers_have_stable_headings_banner_and_disclaimer(articles: dict[str, AnswerArticle]) -> None:
    article = articles[ON_TOPIC[0]]
    markdown = render_markdown(article)
    html = render_html(article)
    for key in ("assessment", "treatment_algorithm", "specific_recommendation", "evidence_supporting",
                "important_considerations", "references"):  # fmt: skip
        assert f"## {HEADINGS[key]}\n" in markdown
        assert f"<h2>{HEADINGS[key]}</h2>" in html
    assert "Content pending human review" in markdown and "review-banner" in html
    assert article.disclaimer in markdown
    assert re.search(r"\[1\]", markdown) and 'href="#ref-1"' in html
    assert (
        "doi:10.0000/medcite.fixture.0001" in markdown
        and "https://doi.org/10.0000/medcite.fixture.0001" in html
    )
    approved = article.model_copy(deep=True)
    approved.review.status = ReviewStatus.APPROVED
    assert "Content pending human review" not in render_markdown(approved)
    assert AnswerArticle.model_validate_json(render_json(article)) == article


def test_html_escapes_source_text(articles: dict[str, AnswerArticle]) -> None:
    article = articles[ON_TOPIC[0]].model_copy(deep=True)
    article.bottom_line[0].text = "<script>alert(1)</script>"
    assert "<script>" not in render_html(article)


def test_cli_ask(kb: KB) -> None:
    from medcite.cli.main import app

    settings = kb[0]
    runner = CliRunner(env={"MEDCITE_LIBRARY__ENABLED": "false"})  # only the fixture knowledge base
    base = ["--data-dir", str(settings.data_dir), "ask"]
    question = "What dose of amlodipine for hypertension?"
    result = runner.invoke(app, [*base, question, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["intent"] == "dosing" and data["references"]
    result = runner.invoke(app, [*base, question, "--markdown", "--audience", "patient"])
    assert result.exit_code == 0 and "## What to Expect" in result.output
    result = runner.invoke(app, [*base, question, "--export-refs", "ris"])
    assert result.output.startswith("TY  - GEN") and "ER  - " in result.output
    result = runner.invoke(app, [*base, question, "--export-refs", "bibtex"])
    assert result.output.startswith("@misc{")
    result = runner.invoke(app, [*base, question, "--html"])
    assert (
        result.output.startswith('<article class="medcite-answer">')
        and "<h2>References</h2>" in result.output
    )
    result = runner.invoke(app, [*base, question])
    assert result.exit_code == 0 and "Bottom Line" in result.output
    result = runner.invoke(app, [*base, "   "])
    assert result.exit_code != 0


def test_public_api_is_exported() -> None:
    import medcite.answer as answer

    assert sorted(answer.__all__) == sorted(
        ["SCHEMA_VERSION", "AnswerArticle", "AnswerService", "Audience", "Intent", "Statement"]
    )
    for name in answer.__all__:
        assert getattr(answer, name) is not None


@pytest.mark.shared_data
def test_ask_over_real_spl_drug_labels(tmp_path: Path) -> None:
    pytest.importorskip("medcite.ingest.loaders.spl")
    from conftest import shared_path

    xml = shared_path("drug_labels_spl", "xml")
    settings = load_settings(data_dir=tmp_path / "spl", ingest={"embed": False})
    store = Store(settings.database_url)
    report = ingest_paths([xml], store, settings, None)
    assert report.count("added") >= 4
    article = AnswerService(settings, store).ask("What is the recommended dose of atorvastatin?")
    assert not article.insufficient_evidence
    assert any(r.kind == "Drug label" for r in article.references)
    assert "recommended starting dose of LIPITOR is 10 or 20 mg once daily" in article.bottom_line[0].text
    for _, s in article.statements():
        cited = " ".join(p.text for r in article.references if r.number in s.citations for p in r.passages)
        assert numbers_in(s.text) <= numbers_in(cited)
    store.dispose()
