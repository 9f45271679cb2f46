"""Starter library: ingest time and how often the right topic ranks first for the evaluation questions.

Usage: python bench/library_retrieval.py [--mode bm25|hybrid|dense] [--questions FILE ...] [--no-misses]
    [--no-router]
Prints chunk count, ingest seconds, right-topic-first share and every miss (not with --no-misses,
for the held-out set's sealed half: docs/library.md).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from medcite.answer.topic_router import routed_search
from medcite.config import load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.library import LIBRARY_VERSION, library_path, questions_path
from medcite.library.check import load_questions
from medcite.search.embeddings import get_embedder
from medcite.search.service import SearchService
from medcite.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["bm25", "hybrid", "dense"], default="bm25")
    parser.add_argument("--questions", type=Path, nargs="+", default=[questions_path()])
    parser.add_argument("--no-misses", action="store_true", help="print only the totals")
    parser.add_argument(
        "--no-router",
        dest="routed",
        action="store_false",
        help="search alone, without the known-question topic prior",
    )
    args = parser.parse_args()
    embed = args.mode != "bm25"
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), ingest={"embed": embed})
        store = Store(settings.database_url)
        embedder = get_embedder(settings.search.embedder) if embed else None
        t0 = time.perf_counter()
        report = ingest_paths([library_path()], store, settings, embedder=embedder)
        ingest_s = time.perf_counter() - t0
        slugs = {o.source_id: Path(o.path).stem for o in report.outcomes if o.source_id is not None}
        service = routed_search(settings, store) if args.routed else SearchService(settings, store)
        print(
            f"library {LIBRARY_VERSION}: {len(slugs)} topics, {report.chunks} chunks, mode {args.mode}"
            f"{'' if args.routed else ' (no router)'}; ingest {ingest_s:.1f} s"
        )
        for path in args.questions:
            questions = load_questions(path)
            t1 = time.perf_counter()
            first = 0
            for q in questions:
                hits = service.search(q.question, k=20, mode=args.mode).hits
                ranked = list(dict.fromkeys(slugs[h.source_id] for h in hits))
                if ranked and ranked[0] == q.topic:
                    first += 1
                elif not args.no_misses:
                    print(f"miss: {q.question!r} expected {q.topic}, got {ranked[:3]}")
            search_s = time.perf_counter() - t1
            print(
                f"{path.name}: right topic first {first}/{len(questions)} = {first / len(questions):.1%}; "
                f"{len(questions)} searches in {search_s:.1f} s (the first search builds the index)"
            )
        store.dispose()


if __name__ == "__main__":
    main()
