"""`medcite users` and `medcite review` on a real data directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from editorial_support import FIXTURES, QUESTION, compose_answer
from medcite import editorial as ed
from medcite.cli import main
from medcite.cli.main import app
from medcite.cli.review_cmd import app as review_app
from medcite.cli.users_cmd import app as users_app
from medcite.config import load_settings
from medcite.store import Store
from medcite.store.sources import list_sources

runner = CliRunner()


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, int]:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("gout_summary.md", "ra_guideline.md"):
        shutil.copy(FIXTURES / name, docs / name)
    result = runner.invoke(app, ["--data-dir", str(data), "ingest", "--no-embed", str(docs)])
    assert result.exit_code == 0, result.output
    store = Store(load_settings(data_dir=data).database_url)
    sources = {Path(s.origin).name: s.id for s in list_sources(store)}
    article = ed.save_new_article(
        store,
        question=QUESTION,
        answer=compose_answer(store, sources),
        audience="clinician",
        kb_version=store.kb_version(),
    )
    store.dispose()
    return data, article.id


def _run(data: Path, *args: str, user: str | None = None) -> str:
    env = {"MEDCITE_USER": user} if user else {}
    result = runner.invoke(app, ["--data-dir", str(data), *args], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_reviewer_workflow_from_the_command_line(setup: tuple[Path, int]) -> None:
    data, aid = setup
    _run(data, "users", "add", "rita", "--role", "reviewer")
    _run(data, "users", "add", "eddie", "--role", "editor")
    users = json.loads(_run(data, "users", "list", "--json"))
    assert [(u["name"], u["role"]) for u in users] == [("eddie", "editor"), ("rita", "reviewer")]

    queue = json.loads(_run(data, "review", "list", "--json"))
    assert [(a["id"], a["status"]) for a in queue] == [(aid, "Submitted")]
    shown = _run(data, "review", "show", str(aid))
    assert "Content pending human review" in shown and "s1: Start colchicine 1.2 mg" in shown
    assert "docs/editorial-policy.md" in shown

    assert "now Under review" in _run(
        data, "review", "start", str(aid), user="rita"
    )  # actor from MEDCITE_USER
    out = _run(
        data,
        "review",
        "edit",
        str(aid),
        "--statement",
        "s2",
        "--cite",
        "2,3",
        "--as",
        "rita",
        "-m",
        "adds monitoring",
    )
    assert "content version 2" in out
    diff = _run(data, "review", "diff", str(aid))
    assert "-s2: Begin allopurinol" in diff and "+s2: Begin allopurinol" in diff and "[2][3]" in diff
    _run(data, "review", "comment", str(aid), "Checked against the 2022 summary.", "--as", "eddie")
    assert "now Approved" in _run(data, "review", "approve", str(aid), "--as", "rita")
    assert json.loads(_run(data, "review", "list", "--json")) == []  # queue is empty
    approved = json.loads(_run(data, "review", "list", "--status", "approved", "--json"))
    assert approved[0]["reviewers"] == ["rita"] and approved[0]["approved_at"]
    history = json.loads(_run(data, "review", "history", str(aid), "--json"))
    assert [(h["actor"], h["action"]) for h in history] == [
        ("system", "create"),
        ("rita", "start"),
        ("rita", "edit"),
        ("eddie", "comment"),
        ("rita", "approve"),
    ]
    assert history[2]["comment"] == "statement s2: citations [2] -> [2, 3]; adds monitoring"
    full = json.loads(_run(data, "review", "show", str(aid), "--json"))
    assert full["answer"]["review"]["status"] == "Approved"
    old = json.loads(_run(data, "review", "show", str(aid), "--version", "1", "--json"))
    assert old["answer"]["statements"][1]["citations"] == [2]


def test_refusals_exit_with_a_message_and_no_traceback(
    setup: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    data, aid = setup
    _run(data, "users", "add", "rita", "--role", "reviewer")
    _run(data, "users", "add", "cleo", "--role", "clinician")
    _run(data, "review", "start", str(aid), "--as", "rita")
    cases = [
        (["review", "approve", str(aid)], 3, "--as NAME or set MEDCITE_USER"),
        (["review", "approve", str(aid), "--as", "cleo"], 7, "A clinician cannot approve"),
        (
            ["review", "edit", str(aid), "-s", "s1", "--text", "Start colchicine 2.4 mg.", "--as", "rita"],
            7,
            "2.4",
        ),
        (["review", "edit", str(aid), "-s", "s1", "--cite", "1,x", "--as", "rita"], 3, "--cite takes"),
        (["review", "start", str(aid), "--as", "rita"], 7, "From Under review the allowed actions are"),
        (
            ["review", "approve", str(aid), "--as", "rita", "--expect-version", "1"],
            8,
            "changed by someone else",
        ),
        (["review", "show", "999"], 4, "No article with id 999"),
    ]
    for args, code, message in cases:
        with pytest.raises(SystemExit) as exit_info:
            main(["--data-dir", str(data), *args])
        err = capsys.readouterr().err
        assert exit_info.value.code == code, (args, err)
        assert message in " ".join(err.split()), (args, err)
        assert "Traceback" not in err


def test_every_review_and_users_command_has_help() -> None:
    for group in (review_app, users_app):
        for command in group.registered_commands:
            assert command.callback is not None and (command.callback.__doc__ or "").strip(), command.name
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0 and "editorial-policy.md" in result.output
