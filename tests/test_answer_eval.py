"""`medcite eval answers`: metrics over the fixture question set, and the ALCE citation definitions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.answer.evaluate import citation_scores, evaluate, load_questions
from medcite.answer.schema import AnswerArticle, Passage, Provenance, Reference, Statement
from medcite.answer.service import AnswerService
from medcite.config import load_settings
from medcite.errors import InputError
from medcite.ingest.pipeline import ingest_paths
from medcite.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "answers"
QUESTIONS = FIXTURES / "questions.yaml"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnswerService]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("eval-kb"), ingest={"embed": False})
    store = Store(settings.database_url)
    ingest_paths(sorted(FIXTURES.glob("*.md")), store, settings, None)
    yield AnswerService(settings, store)
    store.dispose()


def test_question_set_is_large_enough_and_well_formed() -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 40
    assert sum(not q.answerable for q in questions) >= 5
    texts = {p.stem: p.read_text().lower() for p in FIXTURES.glob("*.md")}
    for q in questions:
        if q.answerable:
            assert q.key_facts and q.topic in texts
            for fact in q.key_facts:  # each key fact is in a fixture document, in those words
                assert any(fact.lower() in text for text in texts.values()), fact


def test_fixture_question_set_quality_bar(service: AnswerService) -> None:
    metrics = evaluate(service, load_questions(QUESTIONS)).metrics()
    assert metrics["questions"] == len(load_questions(QUESTIONS))
    assert metrics["key_fact_recall"] is not None and metrics["key_fact_recall"] >= 0.9
    assert metrics["citation_recall"] == 1.0 and metrics["citation_precision"] == 1.0
    assert metrics["answers_with_unsupported_statements"] == 0.0
    assert metrics["abstention_precision"] == 1.0 and metrics["abstention_recall"] == 1.0
    assert metrics["over_refusal_rate"] == 0.0
    assert metrics["source_hit_rate"] == 1.0
    assert metrics["topic_first_rate"] is not None and metrics["topic_first_rate"] >= 0.9


def _article(statement: Statement, passages: dict[int, str]) -> AnswerArticle:
    refs = [
        Reference(number=n, source_id=n, kind="Guideline", title=f"Source {n}",
                  passages=[Passage(chunk_id=n, char_start=0, char_end=len(t), text=t)])
        for n, t in passages.items()
    ]  # fmt: skip
    return AnswerArticle(
        question="q", intent="dosing", title="t", disclaimer="d", bottom_line=[statement], references=refs,
        provenance=Provenance(kb_version=1, composer="test", retrieval_query="q", passages_retrieved=2,
                              evidence_strength=1.0),
    )  # fmt: skip


def test_alce_citation_precision_and_recall() -> None:
    dose = "Start metformin at 500 mg once daily with a meal."
    passages = {1: dose, 2: "Amlodipine is started at 5 mg once daily."}
    # One needed citation plus one irrelevant one: supported, one of two citations precise.
    assert citation_scores(_article(Statement(text=dose, citations=[1, 2]), passages), None) == (1, 1, 2, 1)
    # A number no cited passage gives: unsupported, and neither citation is precise.
    wrong = Statement(text="Start metformin at 850 mg once daily with a meal.", citations=[1, 2])
    assert citation_scores(_article(wrong, passages), None) == (1, 0, 2, 0)


def test_bad_question_file(tmp_path: Path) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text("question: not a list\n")
    with pytest.raises(InputError, match="YAML list"):
        load_questions(bad)
    bad.write_text("- key_facts: [x]\n")
    with pytest.raises(InputError, match="no 'question'"):
        load_questions(bad)


def test_cli_eval_answers(service: AnswerService, tmp_path: Path) -> None:
    from medcite.cli.main import app

    subset = tmp_path / "q.yaml"
    subset.write_text(
        "- question: What dose of amlodipine for hypertension?\n  key_phrase: 5 mg once daily\n"
        "  topic: hypertension\n- question: What is the prognosis of glioblastoma?\n  answerable: false\n"
    )
    result = CliRunner(env={"MEDCITE_LIBRARY__ENABLED": "false"}).invoke(
        app,
        [
            "--data-dir",
            str(service.settings.data_dir),
            "eval",
            "answers",
            "--questions",
            str(subset),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)["metrics"]
    assert metrics["key_fact_recall"] == 1.0 and metrics["abstention_precision"] == 1.0
