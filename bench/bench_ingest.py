"""Ingest throughput, index size on disk and peak memory, through MedCite's real ingest pipeline.

Corpus: MedQuAD answer passages written as Markdown files with YAML front matter (cached in
bench/.cache/medquad-md), ingested with `medcite.ingest.pipeline.ingest_paths`, exactly what
`medcite ingest FOLDER` runs. Each phase runs in its own process so its peak memory is its own.

    .venv/bin/python bench/bench_ingest.py                 # all phases
    .venv/bin/python bench/bench_ingest.py --embed-docs 300 --phases bm25,embed,mix

Phases:
  bm25   all MedQuAD passages without embeddings, then the search index build
  embed  a seeded random sample of passages with e5-small embeddings (the full corpus would take
         35 minutes or more on 2 cores; the full-corpus time is extrapolated and labelled as such)
  mix    real documents from the shared data: SPL drug labels, PMC JATS articles, MMWR HTML and
         the 256 MMWR Supplements articles as Markdown files (formats whose loader is not in this
         checkout are reported as skipped; embeddings only for formats under --mix-embed-max-chunks)
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import _common as c
from medcite.config import Settings, load_settings
from medcite.ingest.pipeline import IngestReport, ingest_paths
from medcite.search.embedded import EmbeddedBackend
from medcite.store import Store
from medcite.store.sources import count_chunks

RUNS = c.CACHE / "ingest-runs"


def _fresh(name: str, embed: bool) -> tuple[Settings, Store]:
    data_dir = RUNS / name
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = load_settings(data_dir=data_dir, ingest={"embed": embed})
    return settings, Store(settings.database_url)


def _disk(settings: Settings) -> dict[str, int]:
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    db_bytes = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))  # .db, -wal, -shm
    return {"db_bytes": db_bytes, "index_bytes": c.folder_bytes(settings.index_dir)}


def _ingest(folder: Path, name: str, embed: bool, trace: bool) -> dict[str, object]:
    settings, store = _fresh(name, embed)
    embedder = None
    load_seconds = 0.0
    if embed:
        from medcite.search.embeddings import get_embedder

        with c.Timer() as t:
            embedder = get_embedder(settings.search.embedder)
            embedder.embed_query("warm up")
        load_seconds = t.seconds
    if trace:
        tracemalloc.start()
    cpu_before = c.cpu_seconds()
    with c.Timer() as t:
        report: IngestReport = ingest_paths([folder], store, settings, embedder)
    cpu = c.cpu_seconds() - cpu_before
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    backend = EmbeddedBackend(store, settings.index_dir, settings.search.embedder if embed else None)
    with c.Timer() as b:
        backend.build()
    # Checkpoint the WAL so the main database file holds everything before it is measured.
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    chunks = count_chunks(store)
    added = report.count("added")
    result: dict[str, object] = {
        "files": len(report.outcomes),
        "added": added,
        "failed": [(o.path, o.reason) for o in report.failed][:10],
        "chunks": chunks,
        "seconds": round(t.seconds, 2),
        "docs_per_s": round(added / t.seconds, 1),
        "chunks_per_s": round(chunks / t.seconds, 1),
        "cpu_seconds": round(cpu, 1),  # all threads; on an idle 2-core machine wall ≈ cpu / 2 at best
        "chunks_per_cpu_s": round(chunks / cpu, 1),
        "load_average_after": c.load_average(),
        "embedder_load_seconds": round(load_seconds, 2),
        "index_build_seconds": round(b.seconds, 2),
        **_disk(settings),
        "peak_rss_mb": round(c.peak_rss_mb(), 1),
    }
    if traced_peak is not None:
        result["tracemalloc_peak_mb"] = round(traced_peak / 2**20, 1)
    store.dispose()
    return result


def phase_bm25(args: argparse.Namespace) -> dict[str, object]:
    passages = c.medquad_passages(args.docs)
    folder = c.write_markdown_folder(passages, c.CACHE / f"medquad-md-{len(passages)}")
    return _ingest(folder, "bm25", embed=False, trace=args.tracemalloc)


def phase_embed(args: argparse.Namespace) -> dict[str, object]:
    passages = c.medquad_passages()
    sample = random.Random(11).sample(passages, min(args.embed_docs, len(passages)))
    folder = c.write_markdown_folder(sample, c.CACHE / f"medquad-md-sample-{len(sample)}")
    return _ingest(folder, "embed", embed=True, trace=args.tracemalloc)


MIX = {
    "spl": ("drug_labels_spl/xml", "*.xml"),
    "jats": ("guideline_fulltext/pmc_jats", "*.nxml"),
    "html": ("guideline_fulltext/mmwr_html", "*.html"),
    "markdown": ("guideline_fulltext/mmwr_supplements_md", "*.jsonl.gz"),
}


def _mix_sources(fmt: str, files: list[Path], folder: Path) -> None:
    """Link the shared files into a folder; the MMWR Markdown archive is written out as .md files."""
    if fmt != "markdown":
        for f in files:
            (folder / f.name).symlink_to(f)
        return
    import gzip

    with gzip.open(files[0], "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            (folder / f"mmwr-supplement-{i:03d}.md").write_text(
                json.loads(line)["markdown"], encoding="utf-8"
            )


def phase_mix(args: argparse.Namespace) -> dict[str, object]:
    from medcite.errors import UnsupportedFormatError
    from medcite.ingest.loaders.registry import loader_for

    root = c.shared_data()
    out: dict[str, object] = {}
    for fmt, (sub, pattern) in MIX.items():
        files = sorted((root / sub).glob(pattern))
        if not files:
            out[fmt] = {"skipped": f"no files in {root / sub}"}
            continue
        try:
            loader_for(fmt)
        except UnsupportedFormatError as exc:
            out[fmt] = {"skipped": str(exc)}
            continue
        folder = RUNS / f"mix-src-{fmt}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        _mix_sources(fmt, files, folder)
        entry: dict[str, object] = {"input_bytes": c.folder_bytes(folder) if fmt == "markdown" else
                                    sum(f.stat().st_size for f in files)}  # fmt: skip
        bm25 = _ingest(folder, f"mix-{fmt}-bm25", embed=False, trace=False)
        entry["bm25"] = bm25
        chunks = int(bm25["chunks"])  # type: ignore[call-overload]
        if chunks > args.mix_embed_max_chunks:
            entry["embed"] = f"not run: {chunks} chunks is over --mix-embed-max-chunks"
        else:
            entry["embed"] = _ingest(folder, f"mix-{fmt}-embed", embed=True, trace=False)
        out[fmt] = entry
    return out


PHASES = {"bm25": phase_bm25, "embed": phase_embed, "mix": phase_mix}


def _run_phase_subprocess(phase: str, argv: list[str]) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--phase-only", phase, *argv], capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.exit(f"phase {phase} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=None, help="MedQuAD passages for the bm25 phase (all)")
    parser.add_argument("--embed-docs", type=int, default=300, help="passages for the embedding phase")
    parser.add_argument("--phases", default="bm25,embed,mix")
    parser.add_argument(
        "--mix-embed-max-chunks", type=int, default=400, help="embed a mix format only up to this size"
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--phase-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    c.shared_data()
    if args.phase_only:
        print(json.dumps(PHASES[args.phase_only](args)))
        return
    c.header("Ingest benchmark")
    passthrough = ["--embed-docs", str(args.embed_docs)]
    passthrough += ["--docs", str(args.docs)] if args.docs else []
    passthrough += ["--mix-embed-max-chunks", str(args.mix_embed_max_chunks)]
    passthrough += ["--tracemalloc"] if args.tracemalloc else []
    results: dict[str, object] = {"machine": c.machine(), "command": " ".join(sys.argv)}
    for phase in args.phases.split(","):
        print(f"running phase {phase} ...", flush=True)
        results[phase] = _run_phase_subprocess(phase, passthrough)
        print(json.dumps(results[phase], indent=2), flush=True)
    bm25, embed = results.get("bm25"), results.get("embed")
    if isinstance(bm25, dict) and isinstance(embed, dict):
        rate = float(embed["chunks_per_s"])
        results["extrapolated_full_corpus_with_embeddings_s"] = round(float(bm25["chunks"]) / rate, 0)
        print(
            f"\nEXTRAPOLATED (not measured): all {bm25['added']} MedQuAD passages with embeddings "
            f"≈ {bm25['chunks']} chunks / {rate} chunks/s ≈ "
            f"{results['extrapolated_full_corpus_with_embeddings_s']:.0f} s"
        )
    print(f"\nraw results: {c.save_result('ingest-' + args.phases.replace(',', '-'), results)}")


if __name__ == "__main__":
    main()
