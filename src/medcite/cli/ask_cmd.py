"""`medcite ask "question"`: a structured, cited answer article from the knowledge base."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from medcite.answer.refs import to_bibtex, to_ris
from medcite.answer.render import render_html, render_json, render_markdown, render_terminal
from medcite.answer.schema import Audience
from medcite.answer.service import AnswerService
from medcite.cli.context import get_context
from medcite.cli.output import JsonOption
from medcite.editorial.serve import ask_reviewed


class RefFormat(StrEnum):
    RIS = "ris"
    BIBTEX = "bibtex"


def ask(
    ctx: typer.Context,
    question: Annotated[
        str, typer.Argument(help="A clinical question in plain words, numbers and therapy included.")
    ],
    audience: Annotated[
        Audience,
        typer.Option("--audience", "-a", help="Wording for clinician (default), trainee or patient."),
    ] = Audience.CLINICIAN,
    k: Annotated[int | None, typer.Option("--k", "-k", min=1, max=100, help="Passages to retrieve.")] = None,
    json_out: JsonOption = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown instead of terminal text.")
    ] = False,
    html_out: Annotated[bool, typer.Option("--html", help="Print an HTML fragment.")] = False,
    llm: Annotated[
        bool | None,
        typer.Option(
            "--llm/--no-llm",
            help="Compose with the configured LLM server (settings [llm]); falls back to extractive.",
        ),
    ] = None,
    export_refs: Annotated[
        RefFormat | None, typer.Option("--export-refs", help="Print only the references as RIS or BibTeX.")
    ] = None,
) -> None:
    """Answer a clinical question with a cited article (bottom line, algorithm, dosing, references)."""
    app = get_context(ctx)
    service = AnswerService(app.settings, app.knowledge_base())
    article = ask_reviewed(service, question, audience=audience, k=k, llm=llm)
    if article.provenance.composer.startswith("extractive (fallback"):
        app.err.print(f"[yellow]LLM composer not used:[/] {article.provenance.composer}", highlight=False)
    if export_refs is RefFormat.RIS:
        typer.echo(to_ris(article.references), nl=False)
    elif export_refs is RefFormat.BIBTEX:
        typer.echo(to_bibtex(article.references), nl=False)
    elif json_out:
        typer.echo(render_json(article))
    elif markdown:
        typer.echo(render_markdown(article))
    elif html_out:
        typer.echo(render_html(article))
    else:
        render_terminal(article, app.console)
