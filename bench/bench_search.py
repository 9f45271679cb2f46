"""Query latency (p50/p95), index build time, cold first query and peak memory at ~100k chunks.

    .venv/bin/python bench/bench_search.py --chunks 100000

Corpus (built once, cached in bench/.cache/search-<chunks>/): MedQuAD answer passages, PubMedQA
abstracts and MIRAGE question texts from the shared data, each turned into a Markdown document and
stored through MedCite's own `prepare_document` + `store_prepared` (BM25 only, no embeddings).
The real material gives about 38k chunks; the script stores further copies of it (new origins,
same text) until the target chunk count is reached.

Dense vectors: encoding 100k chunks with e5-small takes hours on 2 cores, so every chunk gets a
random unit vector instead. Dense search cost (a matrix-vector product and a top-k) does not depend
on the values; the QUERY embedding is real (e5-small), so its cost is in every dense/hybrid figure.
Relevance figures come from `medcite eval retrieval`, not from here.

Phases run in separate processes so that cold start and peak memory are each their own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from sqlalchemy import bindparam, select, update

import _common as c
from medcite.config import Settings, load_settings
from medcite.ingest.pipeline import prepare_document, store_prepared
from medcite.store import Store
from medcite.store.sources import count_chunks
from medcite.store.tables import ChunkRow

DIM = 384
EMBEDDER = "e5-small"


def _settings(chunks: int) -> Settings:
    return load_settings(data_dir=c.CACHE / f"search-{chunks}")


def _marker(settings: Settings) -> Path:
    return settings.data_dir / "corpus.json"


def phase_corpus(args: argparse.Namespace) -> dict[str, object]:
    """Store the corpus (cached); returns how it was built."""
    settings = _settings(args.chunks)
    marker = _marker(settings)
    if marker.exists() and not args.rebuild:
        cached: dict[str, object] = json.loads(marker.read_text())
        cached["cached"] = True
        return cached
    import shutil

    shutil.rmtree(settings.data_dir, ignore_errors=True)
    store = Store(settings.database_url)
    passages = c.medquad_passages() + c.pubmedqa_passages() + c.mirage_passages()
    total = docs = copies = 0
    unique_chunks = None
    with c.Timer() as t:
        while total < args.chunks:
            for p in passages:
                data = c.markdown_bytes(p)
                origin = f"bench://copy{copies}/{p.source}/{p.doc_id}"
                doc = prepare_document(Path(f"{p.doc_id}.md"), data, settings, origin=origin)
                store_prepared(store, doc, None)
                total += len(doc.chunks)
                docs += 1
                if total >= args.chunks:
                    break
            else:
                unique_chunks = unique_chunks or total
            copies += 1
    ingest_seconds = t.seconds
    with c.Timer() as v:
        _fill_random_vectors(store)
    info: dict[str, object] = {
        "documents": docs,
        "chunks": count_chunks(store),
        "unique_chunks": unique_chunks or total,
        "copies_of_corpus": round(total / (unique_chunks or total), 2),
        "ingest_seconds_bm25_only": round(ingest_seconds, 1),
        "ingest_docs_per_s": round(docs / ingest_seconds, 1),
        "ingest_chunks_per_s": round(total / ingest_seconds, 1),
        "random_vector_fill_seconds": round(v.seconds, 1),
        "peak_rss_mb": round(c.peak_rss_mb(), 1),
        "load_average": c.load_average(),
    }
    store.dispose()
    marker.write_text(json.dumps(info))
    return info


def _fill_random_vectors(store: Store, batch: int = 5000) -> None:
    """Give every chunk a random unit vector labelled as the real model's (see module docstring)."""
    rng = np.random.default_rng(0)
    with store.session() as s:
        ids = list(s.scalars(select(ChunkRow.id).order_by(ChunkRow.id)))
    for start in range(0, len(ids), batch):
        part = ids[start : start + batch]
        vecs = rng.standard_normal((len(part), DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        with store.session() as s:
            s.connection().execute(
                update(ChunkRow.__table__)
                .where(ChunkRow.__table__.c.id == bindparam("cid"))
                .values(embedding=bindparam("emb"), embedding_model=EMBEDDER),
                [{"cid": cid, "emb": vec.tobytes()} for cid, vec in zip(part, vecs, strict=True)],
            )
            Store.bump_kb_version(s)


def phase_build(args: argparse.Namespace) -> dict[str, object]:
    """EmbeddedBackend.build over the whole store, with vectors and without."""
    from medcite.search.embedded import EmbeddedBackend

    settings = _settings(args.chunks)
    store = Store(settings.database_url)
    out: dict[str, object] = {}
    for label, embedder in (("bm25_only", None), ("with_vectors", EMBEDDER)):
        backend = EmbeddedBackend(store, settings.index_dir, embedder)
        with c.Timer() as t:
            backend.build()
        out[f"build_seconds_{label}"] = round(t.seconds, 2)
        out[f"index_bytes_{label}"] = c.folder_bytes(backend.dir)
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    out["db_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    with store.engine.connect() as conn:
        blobs = conn.exec_driver_sql("SELECT sum(length(embedding)), sum(length(text)) FROM chunks").one()
    out["db_embedding_blob_bytes"], out["db_chunk_text_bytes"] = int(blobs[0] or 0), int(blobs[1] or 0)
    out["peak_rss_mb"] = round(c.peak_rss_mb(), 1)
    out["load_average"] = c.load_average()
    store.dispose()
    return out


def phase_query(args: argparse.Namespace) -> dict[str, object]:
    """Cold first query in a fresh process, then warm latency per mode."""
    started = time.perf_counter()
    from medcite.search.service import SearchService

    settings = _settings(args.chunks)
    store = Store(settings.database_url)
    service = SearchService(settings, store)
    queries = c.benchmark_queries(args.queries + 1)
    import_seconds = time.perf_counter() - started
    with c.Timer() as cold:
        first = service.search(queries[0], mode="hybrid")
    out: dict[str, object] = {
        "chunks": count_chunks(store),
        "queries": args.queries,
        "cold_first_query_ms": round(cold.seconds * 1000, 1),
        "cold_first_query_timings_ms": first.timings_ms,
        "process_start_to_service_ready_ms": round(import_seconds * 1000, 1),
    }
    if args.tracemalloc:
        tracemalloc.start()
    modes = ("bm25", "dense", "hybrid")
    walls: dict[str, list[float]] = {m: [] for m in modes}
    parts: dict[str, dict[str, list[float]]] = {m: {} for m in modes}
    # Modes take turns on every query (order rotated), so a busy spell on the machine hits all alike.
    for i, q in enumerate(queries[1:]):
        for mode in modes[i % 3 :] + modes[: i % 3]:
            if args.fresh_caches:  # as for candidates never seen before in this knowledge-base version
                service._infos, service._roles = {}, {}
            t = time.perf_counter()
            result = service.search(q, mode=mode)  # type: ignore[arg-type]
            walls[mode].append((time.perf_counter() - t) * 1000)
            for key, ms in result.timings_ms.items():
                parts[mode].setdefault(key, []).append(ms)
    for mode in modes:
        out[mode] = {
            "p50_ms": round(c.percentile(walls[mode], 0.5), 1),
            "p95_ms": round(c.percentile(walls[mode], 0.95), 1),
            "max_ms": round(max(walls[mode]), 1),
            "breakdown_p50_ms": {k: round(c.percentile(v, 0.5), 2) for k, v in parts[mode].items()},
            "breakdown_p95_ms": {k: round(c.percentile(v, 0.95), 2) for k, v in parts[mode].items()},
        }
    if args.tracemalloc:
        out["tracemalloc_peak_mb_during_queries"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    out["peak_rss_mb"] = round(c.peak_rss_mb(), 1)
    out["load_average"] = c.load_average()
    store.dispose()
    return out


def _suffix(phases: str) -> str:
    """Partial runs get their own result file, so the full run's figures stay intact."""
    return "" if phases == "corpus,build,query" else "-" + phases.replace(",", "-")


def _label(args: argparse.Namespace) -> str:
    return f"search-{args.chunks}" + _suffix(args.phases) + ("-fresh" if args.fresh_caches else "")


PHASES = {"corpus": phase_corpus, "build": phase_build, "query": phase_query}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=100_000, help="target corpus size in chunks")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per mode")
    parser.add_argument("--phases", default="corpus,build,query")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus")
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations while querying")
    parser.add_argument(
        "--fresh-caches",
        action="store_true",
        help="empty the search service's per-chunk caches before every query (no candidate seen before)",
    )
    parser.add_argument("--phase-only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    c.shared_data()
    if args.phase_only:
        print(json.dumps(PHASES[args.phase_only](args)))
        return
    c.header(f"Search benchmark at {args.chunks} chunks")
    passthrough = ["--chunks", str(args.chunks), "--queries", str(args.queries)]
    passthrough += ["--rebuild"] if args.rebuild else []
    passthrough += ["--tracemalloc"] if args.tracemalloc else []
    passthrough += ["--fresh-caches"] if args.fresh_caches else []
    results: dict[str, object] = {"machine": c.machine(), "command": " ".join(sys.argv)}
    for phase in args.phases.split(","):
        print(f"running phase {phase} ...", flush=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--phase-only", phase, *passthrough], capture_output=True, text=True
        )
        if proc.returncode != 0:
            sys.exit(f"phase {phase} failed:\n{proc.stderr[-3000:]}")
        results[phase] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(results[phase], indent=2), flush=True)
    print(f"\nraw results: {c.save_result(_label(args), results)}")


if __name__ == "__main__":
    main()
