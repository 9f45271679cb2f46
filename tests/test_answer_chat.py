"""Conversations: follow-ups rewritten into standalone questions from the conversation, over a real KB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.answer.conversation import Conversation
from medcite.answer.service import AnswerService
from medcite.config import load_settings
from medcite.editorial.articles import list_articles
from medcite.ingest.pipeline import ingest_paths
from medcite.models import ReviewStatus
from medcite.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "answers"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnswerService]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("chat-kb"), ingest={"embed": False})
    store = Store(settings.database_url)
    ingest_paths(sorted(FIXTURES.glob("*.md")), store, settings, None)
    yield AnswerService(settings, store)
    store.dispose()


def test_follow_ups_carry_drug_condition_and_patient(service: AnswerService) -> None:
    conversation = Conversation()
    first = conversation.ask(
        service,
        "What is the next step for a patient with example syndrome whose EFS fell on drug A and drug B, "
        "who responded before to treatment C?",
    )
    assert "restart treatment C" in first.article.bottom_line[0].text
    dose = conversation.ask(service, "what is the dose?")
    assert (
        dose.standalone
        == "What is the dose of treatment C in example syndrome? Patient: on drug A and drug B."
    )
    assert "2 g/kg" in dose.article.bottom_line[0].text
    fails = conversation.ask(service, "what if that fails?")
    assert fails.standalone.startswith("What if treatment C fails in example syndrome?")
    assert "drug D" in fails.article.bottom_line[0].text
    assert fails.article.assessment.facts.current_treatments == ["drug A", "drug B"]


def test_condition_is_kept_across_turns(service: AnswerService) -> None:
    conversation = Conversation()
    conversation.ask(service, "Next step for a 54-year-old woman with RA despite methotrexate 20 mg weekly?")
    renal = conversation.ask(service, "dose in renal impairment?")
    assert "in rheumatoid arthritis" in renal.standalone and "54-year-old woman" in renal.standalone
    monitored = conversation.ask(service, "how should it be monitored?")
    assert "rheumatoid arthritis" in monitored.standalone


def test_a_standalone_follow_up_is_left_alone(service: AnswerService) -> None:
    conversation = Conversation()
    conversation.ask(service, "What is the first-line treatment for rheumatoid arthritis?")
    turn = conversation.ask(service, "What dose of amlodipine for hypertension?")
    assert turn.standalone == "What dose of amlodipine for hypertension?"
    assert "Amlodipine" in turn.article.bottom_line[0].text


def test_cli_chat(service: AnswerService) -> None:
    from medcite.cli.main import app

    data_dir = str(service.settings.data_dir)
    result = CliRunner(env={"MEDCITE_LIBRARY__ENABLED": "false"}).invoke(
        app,
        ["--data-dir", data_dir, "chat", "--markdown"],
        input="What dose of amlodipine for hypertension?\nhow should it be monitored?\n\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("## Bottom Line") == 2
    assert "Answering: How should amlodipine be monitored in hypertension?" in result.output


def test_cli_chat_turns_are_stored_and_approved_articles_served_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 4: every chat turn goes through the editorial layer like `medcite ask`."""
    from medcite.cli.main import app

    monkeypatch.setenv("MEDCITE_LIBRARY__ENABLED", "false")
    monkeypatch.setenv("MEDCITE_INGEST__EMBED", "false")
    runner = CliRunner()
    data_dir = tmp_path / "d"
    base = ["--data-dir", str(data_dir)]

    def run(*args: str, input: str | None = None) -> str:
        result = runner.invoke(app, [*base, *args], input=input)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("ingest", str(FIXTURES))
    turns = [
        "Next step for a 54-year-old woman with RA despite methotrexate 20 mg weekly?",
        "dose in renal impairment?",
        "how should it be monitored?",
    ]
    output = run("chat", "--markdown", input="\n".join(turns) + "\n\n")
    assert output.count("## Bottom Line") == 3
    rewritten = [
        line.removeprefix("Answering: ") for line in output.splitlines() if line.startswith("Answering: ")
    ]
    assert len(rewritten) == 2  # both follow-ups were rewritten into standalone questions

    store = Store(load_settings(data_dir=data_dir).database_url)
    try:
        stored = list_articles(store)
        assert [a.question for a in stored] == [turns[0], *rewritten]
        assert {a.status for a in stored} == {ReviewStatus.SUBMITTED} and {a.audience for a in stored} == {
            "clinician"
        }
    finally:
        store.dispose()
    assert output.count("Status: Submitted") >= 3

    # A reviewer approves the second turn's article; the same conversation again is served it, and
    # nothing new is stored for the turns already asked.
    second = stored[1].id
    run("users", "add", "dr.lee", "--role", "reviewer")
    run("review", "start", str(second), "--as", "dr.lee")
    run("review", "approve", str(second), "--as", "dr.lee")
    again = run("chat", "--markdown", input="\n".join(turns) + "\n\n")
    assert "Status: Approved" in again and "reviewers: dr.lee" in again
    store = Store(load_settings(data_dir=data_dir).database_url)
    try:
        assert [a.id for a in list_articles(store)] == [a.id for a in stored]
    finally:
        store.dispose()
