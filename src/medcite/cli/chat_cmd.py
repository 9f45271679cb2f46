"""`medcite chat`: ask, then ask follow-ups; each is rewritten into a standalone question and answered
through the editorial layer, as `medcite ask` is (approved articles first, new answers stored)."""

from __future__ import annotations

from typing import Annotated

import typer

from medcite.answer.conversation import Conversation
from medcite.answer.render import render_markdown, render_terminal
from medcite.answer.schema import Audience
from medcite.answer.service import AnswerService
from medcite.cli.context import get_context
from medcite.editorial.serve import ask_reviewed


def chat(
    ctx: typer.Context,
    audience: Annotated[
        Audience,
        typer.Option("--audience", "-a", help="Wording for clinician (default), trainee or patient."),
    ] = Audience.CLINICIAN,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown instead of terminal text.")
    ] = False,
) -> None:
    """Ask a question, then follow-ups ("what if that fails?"); an empty line or 'exit' ends the chat."""
    app = get_context(ctx)
    service = AnswerService(app.settings, app.knowledge_base())
    conversation = Conversation(answer=ask_reviewed)  # stored and reused like `medcite ask`
    while True:
        try:
            text = typer.prompt("Question", default="", show_default=False)
        except (EOFError, typer.Abort):
            break
        if not text.strip() or text.strip().lower() in ("exit", "quit"):
            break
        turn = conversation.ask(service, text, audience=audience)
        if turn.standalone != " ".join(text.split()):
            app.console.print(f"[dim]Answering: {turn.standalone}[/]", highlight=False, soft_wrap=True)
        if markdown:
            typer.echo(render_markdown(turn.article))
        else:
            render_terminal(turn.article, app.console)
