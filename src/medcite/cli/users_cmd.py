"""`medcite users add|list`"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.editorial.users import add_user, list_users
from medcite.models import UserRole

app = typer.Typer(
    help="People who use and review MedCite, with their roles (clinician, reviewer, editor, admin).",
    no_args_is_help=True,
)


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Short handle, e.g. 'jsmith' (letters, digits, . _ - @).")],
    role: Annotated[UserRole, typer.Option("--role", help="What the user may do.")] = UserRole.CLINICIAN,
    json_out: JsonOption = False,
) -> None:
    """Add a user. Reviewers start, edit, approve and reject articles; editors also reopen and withdraw."""
    app_ctx = get_context(ctx)
    user = add_user(app_ctx.store, name, role)
    if json_out:
        print_json({"id": user.id, "name": user.name, "role": user.role.value, "created_at": user.created_at})
        return
    app_ctx.console.print(f"Added {user.name} ({user.role.value}).", highlight=False)


@app.command("list")
def list_cmd(ctx: typer.Context, json_out: JsonOption = False) -> None:
    """List users and their roles."""
    app_ctx = get_context(ctx)
    users = list_users(app_ctx.store)
    if json_out:
        print_json(
            [{"id": u.id, "name": u.name, "role": u.role.value, "created_at": u.created_at} for u in users]
        )
        return
    table = Table("name", "role", "since")
    for u in users:
        table.add_row(u.name, u.role.value, u.created_at.date().isoformat())
    app_ctx.console.print(table)
    app_ctx.console.print(f"{len(users)} users.")
