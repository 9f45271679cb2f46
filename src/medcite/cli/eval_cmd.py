"""`medcite eval retrieval --dataset DIR`: retrieval quality on any BEIR-format data set."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import platformdirs
import typer
from rich.table import Table

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.eval.beir import load_beir
from medcite.eval.metrics import METRICS
from medcite.eval.retrieval import DEFAULT_EMBED_CHARS, SYSTEMS, run_retrieval_eval

app = typer.Typer(help="Measure MedCite's quality on standard test collections.", no_args_is_help=True)


@app.command("retrieval")
def retrieval(
    ctx: typer.Context,
    dataset: Annotated[
        Path, typer.Option("--dataset", help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.")
    ],
    systems: Annotated[
        str, typer.Option("--systems", help=f"Comma-separated, from: {', '.join(SYSTEMS)}.")
    ] = ",".join(SYSTEMS),
    limit_queries: Annotated[
        int | None, typer.Option("--limit-queries", min=1, help="Score only the first N queries (by id).")
    ] = None,
    split: Annotated[
        str, typer.Option("--split", help="Which qrels file to read (qrels/SPLIT.tsv).")
    ] = "test",
    embed_chars: Annotated[
        int,
        typer.Option("--embed-chars", min=32, help="Characters of each chunk the embedder reads at ingest."),
    ] = DEFAULT_EMBED_CHARS,
    embedder: Annotated[
        str, typer.Option("--embedder", help="Dense model: e5-small (default) or minilm-int8.")
    ] = "e5-small",
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Where the evaluation knowledge base and vectors are cached."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Score BM25, dense and hybrid search (and a bm25s baseline) with nDCG@10, recall and MRR@10."""
    app_ctx = get_context(ctx)
    names = [s.strip() for s in systems.split(",") if s.strip()]
    if not names:
        raise typer.BadParameter("name at least one system", param_hint="--systems")
    data = load_beir(dataset, split)
    cache = cache_dir or Path(platformdirs.user_cache_dir("medcite")) / "eval"
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if not json_out:
            elapsed = time.perf_counter() - started
            print(f"  [{elapsed:6.0f}s] {stage}: {done}/{total}", file=sys.stderr, flush=True)

    report = run_retrieval_eval(
        data, names, cache, embed_chars, limit_queries, progress=progress, embedder=embedder
    )
    summary = report.as_dict()
    if json_out:
        print_json(summary)
        return
    console = app_ctx.console
    console.print(
        f"[bold]{report.dataset}[/]: {report.documents} documents, {report.chunks} chunks, "
        f"{len(report.queries)} queries",
        highlight=False,
    )
    for split_name, ids in report.splits().items():
        if not ids:
            continue
        table = Table(title=f"{split_name} ({len(ids)} queries)", title_justify="left")
        table.add_column("system")
        for metric in METRICS:
            table.add_column(metric, justify="right")
        if report.baseline:
            table.add_column("nDCG ratio", justify="right")
        base = next((s for s in report.systems if s.name == report.baseline), None)
        for system in report.systems:
            scores = system.metrics(ids)
            row = [system.name, *(f"{scores[m]:.3f}" for m in METRICS)]
            if base is not None:
                ref = base.metrics(ids)["ndcg@10"]
                row.append(f"{scores['ndcg@10'] / ref:.3f}" if ref else "-")
            table.add_row(*row)
        console.print(table)
    times = ", ".join(f"{s.name} {s.seconds:.1f} s" for s in report.systems)
    console.print(f"[dim]Query time: {times}. Splits: dev = fixed 20% of query ids (tuning), test = rest.[/]")
