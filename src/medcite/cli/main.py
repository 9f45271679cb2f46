"""Root of the CLI: global options, command groups, and one place that turns errors into exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from medcite import __version__
from medcite.cli import eval_cmd, ingest_cmd, search_cmd, sources_cmd
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
app.add_typer(sources_cmd.app, name="sources")
app.add_typer(eval_cmd.app, name="eval")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, print MedCite errors as one line, exit with the error's code."""
    try:
        app(args=argv, standalone_mode=False)
    except MedCiteError as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        Console(stderr=True).print("Interrupted. Work already committed is kept; re-run to continue.")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
