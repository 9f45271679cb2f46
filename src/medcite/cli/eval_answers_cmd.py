"""`medcite eval answers --questions FILE`: answer quality figures over a question set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from medcite.answer.evaluate import evaluate, load_questions
from medcite.answer.service import AnswerService
from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json


def answers(
    ctx: typer.Context,
    questions: Annotated[
        Path, typer.Option("--questions", "-q", help="YAML question set (see docs/answers.md).")
    ],
    embeddings: Annotated[
        bool, typer.Option("--embeddings", help="Also check citations by embedding similarity (slower).")
    ] = False,
    show_misses: Annotated[
        bool, typer.Option("--misses", help="List questions whose key facts were missed.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Key-fact recall, citation recall and precision (ALCE), abstention precision, over-refusal."""
    app_ctx = get_context(ctx)
    service = AnswerService(app_ctx.settings, app_ctx.knowledge_base())
    report = evaluate(service, load_questions(questions), embeddings)
    metrics = report.metrics()
    if json_out:
        print_json({"metrics": metrics, "questions": [
            {"question": r.question.question, "abstained": r.abstained, "facts_found": r.facts_found,
             "key_facts": len(r.question.key_facts), "supported": r.supported, "statements": r.statements,
             "source_hit": r.source_hit, "topic_first": r.topic_first}
            for r in report.results]})  # fmt: skip
        return
    for name, value in metrics.items():
        app_ctx.console.print(f"{name:38} {value if value is not None else '-'}", highlight=False)
    if show_misses:
        for r in report.results:
            if r.question.answerable and r.facts_found < len(r.question.key_facts):
                state = "abstained" if r.abstained else f"{r.facts_found}/{len(r.question.key_facts)} facts"
                app_ctx.console.print(f"[yellow]miss[/] ({state}) {r.question.question}", highlight=False)
