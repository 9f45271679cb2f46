"""`medcite sources list|show|remove`"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.models import SourceKind
from medcite.store.sources import get_source, list_sources, remove_source

app = typer.Typer(help="List, inspect and remove knowledge-base sources.", no_args_is_help=True)


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    kind: Annotated[SourceKind | None, typer.Option("--kind", help="Only sources of this kind.")] = None,
    json_out: JsonOption = False,
) -> None:
    """List sources with their kind, year and chunk count."""
    ctxo = get_context(ctx)
    rows = list_sources(ctxo.store, kind)
    if json_out:
        print_json([r.__dict__ for r in rows])
        return
    table = Table("id", "kind", "year", "chunks", "title", "origin")
    for r in rows:
        table.add_row(str(r.id), r.kind.label, str(r.year or ""), str(r.chunks), r.title[:70], r.origin[-50:])
    ctxo.console.print(table)
    ctxo.console.print(f"{len(rows)} sources.")


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    source_id: Annotated[int, typer.Argument(help="Source id (see `medcite sources list`).")],
    chunks: Annotated[bool, typer.Option("--chunks", help="Also print every chunk.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Show a source's citation metadata (and optionally its chunks)."""
    ctxo = get_context(ctx)
    row = get_source(ctxo.store, source_id)
    data: dict[str, Any] = {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "format": row.format,
        "origin": row.origin,
        "authors": row.authors,
        "organisation": row.organisation,
        "journal": row.journal,
        "publisher": row.publisher,
        "year": row.year,
        "pmid": row.pmid,
        "doi": row.doi,
        "url": row.url,
        "licence": row.licence,
        "specialty": row.specialty,
        "status": row.status,
        "meta": row.meta,
        "content_hash": row.content_hash,
        "ingested_at": row.ingested_at,
        "chunk_count": len(row.chunks),
    }
    if chunks:
        data["chunks"] = [
            {
                "id": c.id,
                "ordinal": c.ordinal,
                "section": " > ".join(c.section_path),
                "page": c.page,
                "char_start": c.char_start,
                "char_end": c.char_end,
                "is_table": c.is_table,
                "text": c.text,
            }
            for c in row.chunks
        ]
    if json_out:
        print_json(data)
        return
    for key, value in data.items():
        if key != "chunks" and value not in (None, "", [], {}):
            ctxo.console.print(f"[bold]{key}[/]: {value}", highlight=False)
    for c in data.get("chunks", []):
        ctxo.console.rule(f"#{c['ordinal']} {c['section']} [{c['char_start']}:{c['char_end']}]")
        ctxo.console.print(c["text"], highlight=False, markup=False)


@app.command("remove")
def remove_cmd(
    ctx: typer.Context,
    source_id: Annotated[int, typer.Argument(help="Source id to remove.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a source and all its chunks from the knowledge base."""
    ctxo = get_context(ctx)
    if not yes:
        title = get_source(ctxo.store, source_id).title
        typer.confirm(f"Remove source {source_id} ({title})?", abort=True)
    title = remove_source(ctxo.store, source_id)
    ctxo.console.print(f"Removed source {source_id}: {title}", highlight=False)
