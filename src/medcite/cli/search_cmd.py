"""`medcite search "query"`"""

from __future__ import annotations

from typing import Annotated

import typer

from medcite.answer.topic_router import routed_search
from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.errors import InputError
from medcite.models import SourceKind
from medcite.search.backend import Filters
from medcite.search.service import Mode


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=1000, help="Number of passages.")] = 10,
    kind: Annotated[
        list[SourceKind] | None, typer.Option("--kind", help="Only these source kinds (repeatable).")
    ] = None,
    year_min: Annotated[int | None, typer.Option("--since", help="Only sources from this year on.")] = None,
    specialty: Annotated[
        str | None, typer.Option("--specialty", help="Only sources of this specialty.")
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid (default), bm25 or dense.")] = "hybrid",
    json_out: JsonOption = False,
) -> None:
    """Find the passages that best match a query (hybrid BM25 + dense, clinical rerank)."""
    app = get_context(ctx)
    if not query.strip():
        raise InputError("The query is empty.")
    if mode not in ("hybrid", "bm25", "dense"):
        raise typer.BadParameter("mode must be hybrid, bm25 or dense", param_hint="--mode")
    service = routed_search(app.settings, app.knowledge_base())
    filters = Filters(kinds=tuple(kind or ()), year_min=year_min, specialty=specialty)
    result = service.search(query, k=k, filters=filters, mode=_mode(mode))
    if json_out:
        print_json(
            {
                "query": result.query,
                "expanded_query": result.expansion.expanded,
                "mode": result.mode,
                "timings_ms": result.timings_ms,
                "hits": [
                    {
                        "rank": i,
                        "score": round(h.score, 6),
                        "chunk_id": h.chunk_id,
                        "source_id": h.source_id,
                        "source_title": h.source_title,
                        "source_kind": h.source_kind.value,
                        "year": h.year,
                        "section": h.section,
                        "page": h.page,
                        "char_start": h.char_start,
                        "char_end": h.char_end,
                        "scores": h.scores,
                        "text": h.text,
                    }
                    for i, h in enumerate(result.hits, start=1)
                ],
            }
        )
        return
    if not result.hits:
        app.console.print("No passages match. Try other words, or ingest more sources (`medcite ingest`).")
        return
    if result.expansion.added:
        app.console.print(f"[dim]Also searched: {', '.join(result.expansion.added)}[/]", highlight=False)
    for i, hit in enumerate(result.hits, start=1):
        where = f" > {hit.section}" if hit.section else ""
        page = f", p. {hit.page}" if hit.page else ""
        year = f", {hit.year}" if hit.year else ""
        app.console.print(
            f"[bold][{i}][/] [cyan]{hit.source_title}[/]{where} [dim]({hit.source_kind.label}{year}{page}; "
            f"source {hit.source_id}, chunk {hit.chunk_id})[/]",
            highlight=False,
        )
        text = hit.text if len(hit.text) <= 600 else hit.text[:600].rsplit(" ", 1)[0] + " ..."
        app.console.print(f"    {text}", highlight=False, markup=False)
    app.console.print(f"[dim]{len(result.hits)} passages in {result.timings_ms['total']:.0f} ms[/]")


def _mode(value: str) -> Mode:
    return "bm25" if value == "bm25" else "dense" if value == "dense" else "hybrid"
