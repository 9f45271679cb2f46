"""Lexical engines compared by measurement: bm25s, tantivy and SQLite FTS5 on medquad-ir.

    .venv/bin/python bench/bench_lexical.py
    .venv/bin/python bench/bench_lexical.py --latency-queries 1000 --scale-chunks 100000

Same tokens everywhere: every document (title + text, as MedCite indexes a chunk) and every query
goes through MedCite's own tokenizer (medcite.text.tokens: lower case, stop words, Snowball stems);
each engine indexes those tokens split on whitespace, so differences come from the engine, not the
analyser. tantivy is also run with its own English-stemming analyser ("en_stem") for reference.
FTS5 and tantivy fix BM25 at k1=1.2, b=0.75; bm25s runs both with those and with MedCite's 0.9/0.4.

Measured per engine: index build time, index size, single-query latency (p50/p95 over a fixed query
sample, one query at a time as `medcite search` runs them), and nDCG@10 / recall@10 / MRR@10 over
all 13,319 queries. `--scale-chunks N` also times build and latency on N chunks taken from the
search benchmark's cached corpus (bench/.cache/search-N, built by bench_search.py).
tantivy is a dev-only dependency (`[dependency-groups] dev`): MedCite itself does not use it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import _common as c
from medcite.text.tokens import tokenize, tokenize_many

Search = Callable[[list[str], int], list[int]]  # tokens, k -> doc positions, best first
WORK = c.CACHE / "lexical"


def load_medquad() -> tuple[list[str], list[str], list[tuple[str, str]], dict[str, str]]:
    """(doc ids, doc texts, [(query id, text)], qrels query id -> relevant doc id)."""
    base = c.require(c.shared_data() / "retrieval" / "medquad-ir")
    ids, texts = [], []
    with (base / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            ids.append(row["_id"])
            texts.append(f"{row['title']} {row['text']}")
    with (base / "queries.jsonl").open(encoding="utf-8") as fh:
        queries = [(r["_id"], r["text"]) for r in map(json.loads, fh)]
    qrels = {}
    with (base / "qrels" / "test.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            qid, did, score = line.rstrip("\n").split("\t")
            if int(score) > 0:
                qrels[qid] = did
    return ids, texts, queries, qrels


def load_scaled(chunks: int) -> list[str]:
    """Chunk texts of the search benchmark corpus, as MedCite's lexical index sees them."""
    db = c.CACHE / f"search-{chunks}" / "medcite.db"
    if not db.exists():
        sys.exit(f"{db} not found: run `bench/bench_search.py --chunks {chunks} --phases corpus` first.")
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT s.title, c.section_path, c.text FROM chunks c JOIN sources s ON s.id = c.source_id"
        " ORDER BY c.id"
    ).fetchall()
    con.close()
    return [f"{t} {' '.join(json.loads(p or '[]'))} {x}" for t, p, x in rows]


# ---- engines: each builds from token lists and returns a search function -------------------------
def build_bm25s(docs: list[list[str]], folder: Path, k1: float, b: float) -> Search:
    import bm25s

    retriever = bm25s.BM25(k1=k1, b=b)
    retriever.index(docs, show_progress=False)
    retriever.save(str(folder))
    retriever = bm25s.BM25.load(str(folder))
    vocab = retriever.vocab_dict

    def search(tokens: list[str], k: int) -> list[int]:
        tokens = [t for t in tokens if t in vocab]
        if not tokens:
            return []
        found, scores = retriever.retrieve([tokens], k=k, show_progress=False)
        return [int(d) for d, s in zip(found[0], scores[0], strict=True) if s > 0]

    return search


def build_tantivy(texts: list[str], folder: Path, analyser: str) -> Search:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name=analyser, index_option="freq")
    builder.add_unsigned_field("pos", stored=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    if analyser == "ws":
        index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for i, text in enumerate(texts):
        writer.add_document(tantivy.Document(body=text, pos=i))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def search(tokens: list[str], k: int) -> list[int]:
        if not tokens:
            return []
        if analyser == "ws":
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in set(tokens)]
            )
        else:
            query = index.parse_query_lenient(" ".join(tokens), ["body"])[0]
        hits = searcher.search(query, k).hits
        return [int(searcher.doc(addr)["pos"][0]) for _, addr in hits]

    return search


def build_fts5(docs: list[list[str]], path: Path) -> Search:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, content='', tokenize=\"unicode61 tokenchars '.'''\")"
    )
    with con:
        con.executemany(
            "INSERT INTO t(rowid, body) VALUES (?, ?)", ((i, " ".join(d)) for i, d in enumerate(docs))
        )
    con.execute("INSERT INTO t(t) VALUES ('optimize')")
    con.commit()

    def search(tokens: list[str], k: int) -> list[int]:
        if not tokens:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(tokens))
        rows = con.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?", (match, k)).fetchall()
        return [r[0] for r in rows]

    return search


# ---- measuring ------------------------------------------------------------------------------------
def evaluate(search: Search, queries: list[list[str]], qrels_pos: list[int], k: int = 10) -> dict[str, float]:
    ndcg = r1 = r10 = mrr = 0.0
    for tokens, relevant in zip(queries, qrels_pos, strict=True):
        ranked = search(tokens, k)
        if relevant in ranked:
            rank = ranked.index(relevant) + 1
            ndcg += 1 / math.log2(rank + 1)
            mrr += 1 / rank
            r10 += 1
            r1 += rank == 1
    n = len(queries)
    return {"ndcg@10": round(ndcg / n, 4), "recall@1": round(r1 / n, 4), "recall@10": round(r10 / n, 4),
            "mrr@10": round(mrr / n, 4)}  # fmt: skip


def latency(search: Search, queries: list[list[str]], k: int = 100) -> dict[str, float]:
    for q in queries[:20]:
        search(q, k)
    times = []
    for q in queries:
        t = time.perf_counter()
        search(q, k)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(c.percentile(times, 0.5), 2), "p95_ms": round(c.percentile(times, 0.95), 2)}


def run_engines(
    texts: list[str], label: str, engines: list[str]
) -> dict[str, tuple[Search, dict[str, object]]]:
    out: dict[str, tuple[Search, dict[str, object]]] = {}
    with c.Timer() as t:
        docs = tokenize_many(texts)
    print(
        f"[{label}] tokenised {len(texts)} documents with MedCite's tokenizer in {t.seconds:.1f} s",
        flush=True,
    )
    joined = [" ".join(d) for d in docs]
    for name in engines:
        folder = WORK / label / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with c.Timer() as t:
            if name == "bm25s-0.9-0.4":
                search = build_bm25s(docs, folder / "idx", 0.9, 0.4)
            elif name == "bm25s-1.2-0.75":
                search = build_bm25s(docs, folder / "idx", 1.2, 0.75)
            elif name == "tantivy":
                search = build_tantivy(joined, folder, "ws")
            elif name == "tantivy-en_stem":
                search = build_tantivy(texts, folder, "en_stem")
            elif name == "fts5":
                search = build_fts5(docs, folder / "fts.db")
            else:
                raise SystemExit(f"unknown engine {name}")
        info: dict[str, object] = {
            "build_s": round(t.seconds, 2),
            "index_mb": round(c.folder_bytes(folder) / 2**20, 1),
        }
        print(f"[{label}] {name}: built in {t.seconds:.2f} s, {info['index_mb']} MB", flush=True)
        out[name] = (search, info)
    return out


ENGINES = ["bm25s-0.9-0.4", "bm25s-1.2-0.75", "tantivy", "tantivy-en_stem", "fts5"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--latency-queries", type=int, default=1000, help="queries timed one at a time")
    parser.add_argument("--eval-queries", type=int, default=0, help="queries for nDCG (0 = all)")
    parser.add_argument("--scale-chunks", type=int, default=0, help="also time build/latency on N chunks")
    args = parser.parse_args()
    try:
        import tantivy  # noqa: F401
    except ImportError:
        sys.exit(
            "tantivy is not installed: `pip install tantivy` (dev dependency group), "
            "or leave it out of --engines."
        )
    ids, texts, queries, qrels = load_medquad()
    c.header("Lexical engines on medquad-ir")
    engines = args.engines.split(",")
    position = {d: i for i, d in enumerate(ids)}
    judged = [(qid, q) for qid, q in queries if qid in qrels]
    if args.eval_queries:
        judged = random.Random(3).sample(judged, args.eval_queries)
    q_tokens = [tokenize(q) for _, q in judged]
    q_relevant = [position[qrels[qid]] for qid, _ in judged]
    timed = random.Random(5).sample(q_tokens, min(args.latency_queries, len(q_tokens)))
    results: dict[str, object] = {
        "machine": c.machine(),
        "command": " ".join(sys.argv),
        "queries": len(judged),
    }
    for name, (search, info) in run_engines(texts, "medquad", engines).items():
        info.update(latency(search, timed))
        with c.Timer() as t:
            info.update(evaluate(search, q_tokens, q_relevant))
        print(f"[medquad] {name}: {info} (eval {t.seconds:.0f} s)", flush=True)
        results[f"medquad/{name}"] = info
    if args.scale_chunks:
        scaled = load_scaled(args.scale_chunks)
        for name, (search, info) in run_engines(scaled, f"scaled-{len(scaled)}", engines).items():
            info.update(latency(search, timed))
            print(f"[{len(scaled)} chunks] {name}: {info}", flush=True)
            results[f"scaled-{len(scaled)}/{name}"] = info
    results["load_average_end"] = c.load_average()
    print(f"\nraw results: {c.save_result('lexical', results)}")


if __name__ == "__main__":
    main()
