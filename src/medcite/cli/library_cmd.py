"""`medcite library check`: validate the starter library (or any folder written in its format)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.library import LIBRARY_VERSION, library_path, shipped_questions_paths
from medcite.library.check import check_library

app = typer.Typer(help="Work with the starter library of guideline summaries.", no_args_is_help=True)


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="Folder of topics to check (default: the library shipped with MedCite)."),
    ] = None,
    questions: Annotated[
        list[Path] | None,
        typer.Option(
            "--questions",
            help="Evaluation questions file to check against the topics (repeatable; default: the shipped "
            "questions.yaml, questions_heldout.yaml, questions_heldout_b.yaml and questions_dev_c/d/e.yaml).",
        ),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Check schema, citations, references, duplicates and dates; exit 1 when there are errors."""
    ctxo = get_context(ctx)
    root = path or library_path()
    if questions is None and path is None:
        questions = shipped_questions_paths()
    report = check_library(root, questions)
    if json_out:
        print_json(
            {
                "root": report.root,
                "library_version": LIBRARY_VERSION,
                "topics": report.topics,
                "questions": report.questions,
                "ok": report.ok,
                "problems": [p.__dict__ for p in report.problems],
            }
        )
    else:
        for problem in report.problems:
            style = "red" if problem.severity == "error" else "yellow"
            ctxo.console.print(f"[{style}]{escape(str(problem))}[/]", highlight=False, soft_wrap=True)
        summary = (
            f"{report.topics} topics, {report.questions} questions checked in {report.root} "
            f"(library {LIBRARY_VERSION}): {len(report.errors)} errors, {len(report.warnings)} warnings."
        )
        ctxo.console.print(
            escape(summary) if report.ok else f"[bold red]{escape(summary)}[/]",
            highlight=False,
            soft_wrap=True,
        )
    if not report.ok:
        raise typer.Exit(1)
