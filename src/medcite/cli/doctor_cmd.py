"""`medcite doctor`"""

from __future__ import annotations

import typer

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.diagnostics import run_checks


def doctor(ctx: typer.Context, json_out: JsonOption = False) -> None:
    """Check the installation: data folder, database schema, search index, embedding model."""
    app = get_context(ctx)
    checks = run_checks(app.settings)
    if json_out:
        print_json([c.__dict__ for c in checks])
    else:
        for check in checks:
            mark = "[green]ok[/]  " if check.ok else "[red]FAIL[/]"
            app.console.print(f"{mark} {check.name}: {check.detail}", highlight=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)
