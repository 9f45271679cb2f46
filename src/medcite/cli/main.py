"""Root of the CLI: global options, command groups, and one place that turns errors into exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from medcite import __version__
from medcite.cli import (
    ask_cmd,
    chat_cmd,
    doctor_cmd,
    eval_answers_cmd,
    eval_cmd,
    ingest_cmd,
    library_admin_cmd,
    library_cmd,
    review_cmd,
    search_cmd,
    sources_cmd,
    users_cmd,
)
from medcite.cli.context import AppContext
from medcite.errors import MedCiteError

EPILOG = (
    'Getting started:  medcite ingest ./my-guidelines/   then   medcite search "first-line therapy for ..."'
)

app = typer.Typer(
    name="medcite",
    help="MedCite: cited, structured answers to clinical questions from a knowledge base you control.",
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"medcite {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="MEDCITE_DATA_DIR",
            help="Data folder (database, index). Default: platformdirs.",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML config file (default: DATA_DIR/config.toml).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """MedCite command line."""
    ctx.obj = AppContext(data_dir=data_dir, config_file=config)


app.command("ingest")(ingest_cmd.ingest)
app.command("search")(search_cmd.search)
app.command("ask")(ask_cmd.ask)
app.command("chat")(chat_cmd.chat)
app.add_typer(eval_cmd.app, name="eval")
eval_cmd.app.command("answers")(eval_answers_cmd.answers)
app.add_typer(sources_cmd.app, name="sources")
app.add_typer(library_cmd.app, name="library")
library_cmd.app.command("status")(library_admin_cmd.status)
library_cmd.app.command("build-vectors")(library_admin_cmd.build_vectors)
app.add_typer(review_cmd.app, name="review")
app.add_typer(users_cmd.app, name="users")
app.command("doctor")(doctor_cmd.doctor)


def main(argv: list[str] | None = None) -> None:
    """Entry point: typer handles usage errors; MedCite errors print one line and exit with their code."""
    try:
        app(args=argv)
    except MedCiteError as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
