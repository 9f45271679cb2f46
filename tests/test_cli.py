"""The CLI as a user runs it: real files, a real data directory, exit codes and JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from medcite.cli import app
from medcite.store.database import head_revision

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def _all_commands() -> list[list[str]]:
    root = get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd: object, prefix: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(root, [])
    return paths


@pytest.mark.parametrize("path", _all_commands(), ids=lambda p: " ".join(p) or "medcite")
def test_every_command_has_help(path: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = runner.invoke(app, [*path, flag])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output
    cmd: object = get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    assert (getattr(cmd, "help", None) or "").strip(), f"{path} has no help text"


def test_ingest_list_show_search_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDCITE_LIBRARY__ENABLED", "false")  # only the fixture in this knowledge base
    data = ["--data-dir", str(tmp_path / "d")]
    result = runner.invoke(app, [*data, "ingest", "--no-embed", "--json", str(FIXTURES / "ra_guideline.md")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["added"] == 1 and summary["chunks"] >= 3 and summary["failed"] == []

    listed = json.loads(runner.invoke(app, [*data, "sources", "list", "--json"]).output)
    assert [s["kind"] for s in listed] == ["guideline"]
    source_id = listed[0]["id"]

    shown = json.loads(
        runner.invoke(app, [*data, "sources", "show", str(source_id), "--chunks", "--json"]).output
    )
    assert shown["year"] == 2021 and any(c["is_table"] for c in shown["chunks"])

    found = runner.invoke(app, [*data, "search", "MTX inadequate response", "--mode", "bm25", "--json"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)["hits"]
    assert hits[0]["section"] == "Recommendations > Inadequate response to methotrexate"

    removed = runner.invoke(app, [*data, "sources", "remove", str(source_id), "--yes"])
    assert removed.exit_code == 0 and "Removed" in removed.output
    assert json.loads(runner.invoke(app, [*data, "sources", "list", "--json"]).output) == []


def _medcite(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a new process (library off: these tests are about the CLI itself)."""
    code = "from medcite.cli import main; main()"
    env = {**os.environ, "MEDCITE_LIBRARY__ENABLED": "false"}
    return subprocess.run(
        [sys.executable, "-c", code, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    data = tmp_path / "d"
    missing = _medcite("sources", "show", "42", data_dir=data)
    assert missing.returncode == 4
    assert "No source with id 42" in missing.stderr and "Traceback" not in missing.stderr

    empty_query = _medcite("search", "   ", data_dir=data)
    assert empty_query.returncode == 3 and "empty" in empty_query.stderr

    nothing = _medcite("ingest", str(tmp_path / "nope.md"), data_dir=data)
    assert nothing.returncode == 3
    assert "path does not exist" in nothing.stderr and "Traceback" not in nothing.stderr

    bad_option = _medcite("search", "x", "--k", "0", data_dir=data)
    assert bad_option.returncode == 2 and "Traceback" not in bad_option.stderr


def test_bad_config_file_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[search]\nk = 'many'\n")
    result = _medcite("--config", str(config), "sources", "list", data_dir=tmp_path / "d")
    assert result.returncode == 2 and "Invalid settings" in result.stderr


def test_doctor_reports_each_check(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "d")]
    runner.invoke(app, [*data, "ingest", "--no-embed", str(FIXTURES / "ra_guideline.md")])
    result = runner.invoke(app, [*data, "doctor", "--json"])
    assert result.exit_code == 0, result.output
    checks = {c["name"]: c for c in json.loads(result.output)}
    assert checks["database"]["ok"] and head_revision() in checks["database"]["detail"]
    assert checks["knowledge base"]["detail"].startswith("1 sources")
    assert checks["embedding model"]["ok"] and "e5-small" in checks["embedding model"]["detail"]
