"""`medcite ingest PATH...`"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.ingest.pipeline import FileOutcome, ingest_paths
from medcite.ingest.walk import iter_candidates
from medcite.models import SourceKind
from medcite.search.embeddings import get_embedder


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to add to the knowledge base.")],
    kind: Annotated[
        SourceKind | None, typer.Option("--kind", help="Override the detected source kind for these files.")
    ] = None,
    no_embed: Annotated[
        bool, typer.Option("--no-embed", help="Skip dense vectors (BM25 search only).")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-ingest files even when unchanged.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Add documents (Markdown, HTML, PDF, JATS, PubMed XML, SPL drug labels) to the knowledge base.

    Unchanged files are skipped; changed files replace their old version atomically; a bad file is
    reported with its reason and the others are still ingested.
    """
    app = get_context(ctx)
    settings = app.settings
    embed = settings.ingest.embed and not no_embed
    embedder = get_embedder(settings.search.embedder) if embed else None
    total = sum(1 for _ in iter_candidates(list(paths), settings.ingest.follow_symlinks))
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app.err,
        transient=True,
        disable=json_out or total < 2,
    ) as progress:
        task = progress.add_task("Ingesting", total=total)
        embed_task: list[TaskID] = []

        def on_file(outcome: FileOutcome) -> None:
            progress.advance(task)
            if outcome.status == "failed" and not json_out:
                app.err.print(f"[yellow]skipped[/] {outcome.path}: {outcome.reason}", highlight=False)

        def on_embed(done: int, pending: int) -> None:
            if not embed_task:
                embed_task.append(progress.add_task("Embedding", total=pending))
            progress.update(embed_task[0], completed=done, total=pending)

        report = ingest_paths(
            paths,
            app.store,
            settings,
            embedder,
            kind=kind,
            force=force,
            on_file=on_file,
            on_embed=on_embed,
            resume_embedding=True,  # finish what an interrupted run left, even if no file changed
        )
    embedding = report.embedding

    if json_out:
        print_json(
            {
                "files": len(report.outcomes),
                "added": report.count("added"),
                "replaced": report.count("replaced"),
                "unchanged": report.count("unchanged"),
                "duplicate": report.count("duplicate"),
                "failed": [{"path": o.path, "reason": o.reason} for o in report.failed],
                "chunks": report.chunks,
                "embedded": None if embedding is None else embedding.stored,
                "embed_seconds": None if embedding is None else round(embedding.seconds, 2),
                "outcomes": [o.__dict__ for o in report.outcomes],
            }
        )
    else:
        app.console.print(
            f"{len(report.outcomes)} files: {report.count('added')} added, "
            f"{report.count('replaced')} replaced, "
            f"{report.skipped} skipped (unchanged or duplicate), {len(report.failed)} failed; "
            f"{report.chunks} chunks stored.",
            highlight=False,
        )
        if embedding is not None and embedding.pending:
            app.console.print(
                f"Vectors: {embedding.stored} chunks embedded in {embedding.seconds:.1f} s "
                f"({settings.search.embedder}).",
                highlight=False,
            )
    if report.failed and len(report.failed) == len(report.outcomes):
        raise typer.Exit(3)
