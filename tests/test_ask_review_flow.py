"""Issue 6 end to end from the CLI: ask -> stored as Submitted -> a reviewer approves -> the next asker
gets the approved article; a change to a cited source sends it back for re-review."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "ra_guideline.md"
QUESTION = "Next step for rheumatoid arthritis with inadequate response to methotrexate?"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MEDCITE_LIBRARY__ENABLED", "false")
    monkeypatch.setenv("MEDCITE_INGEST__EMBED", "false")
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "d")]

    def run(*args: str) -> str:
        result = runner.invoke(app, [*data, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def test_reviewer_approval_is_served_to_the_next_asker(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "ra.md"
    source.write_text(FIXTURE.read_text())
    cli("ingest", str(source))
    first = json.loads(cli("ask", QUESTION, "--json"))
    assert first["review"]["status"] == "Submitted" and first["review"]["reuse"] == "composed"
    assert any(w["kind"] == "pending_review" for w in first["warnings"])
    article_id = first["review"]["article_id"]

    again = json.loads(cli("ask", QUESTION, "--json"))
    assert again["review"]["article_id"] == article_id and again["review"]["reuse"] == "existing"

    cli("users", "add", "dr.lee", "--role", "reviewer")
    cli("review", "start", str(article_id), "--as", "dr.lee")
    cli("review", "approve", str(article_id), "--as", "dr.lee")

    served = json.loads(cli("ask", QUESTION, "--json"))
    assert served["review"]["status"] == "Approved" and served["review"]["reuse"] == "approved_exact"
    assert served["review"]["reviewers"] == ["dr.lee"] and served["review"]["approved_at"]
    assert not any(w["kind"] == "pending_review" for w in served["warnings"])

    source.write_text(FIXTURE.read_text() + "\n# Monitoring\nCheck liver tests every 8 weeks.\n")
    cli("ingest", str(source))
    shown = json.loads(cli("review", "show", str(article_id), "--json"))
    assert shown["status"] == "Needs re-review"


def test_library_version_is_in_every_answers_provenance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medcite.library import LIBRARY_VERSION

    monkeypatch.setenv("MEDCITE_INGEST__EMBED", "false")
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "d")]
    result = runner.invoke(app, [*data, "ask", "Which apixaban dose in atrial fibrillation?", "--json"])
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert article["provenance"]["library_version"] == LIBRARY_VERSION
    assert any("Atrial fibrillation" in r["title"] for r in article["references"])
    markdown = runner.invoke(app, [*data, "ask", "Which apixaban dose in atrial fibrillation?", "--markdown"])
    assert f"starter library {LIBRARY_VERSION}" in markdown.stdout


def test_a_rising_score_on_therapy_leads_with_the_inadequate_response_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's question: the bottom line must answer what to do after failure, not how to start."""
    monkeypatch.setenv("MEDCITE_INGEST__EMBED", "false")
    question = (
        "Patient with rheumatoid arthritis on methotrexate 20 mg weekly and hydroxychloroquine whose "
        "DAS28 rose from 3.1 to 4.6 over 3 months: next step?"
    )
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "d"), "ask", question, "--json"])
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    lead = article["bottom_line"][0]
    assert lead["text"].startswith("If the target is not reached on methotrexate")
    assert lead["citations"] and article["assessment"]["facts"]["scores"][0]["trend"] == "rising"
