"""Build (and cache) the evaluation knowledge base for a BEIR data set, reporting ingest timings.

Run in the background before `medcite eval retrieval`, which then reuses the cached vectors:
    nohup python bench/build_eval_kb.py /work/shared/data/retrieval/medquad-ir --embed-chars 300 &
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from medcite.eval.beir import load_beir
from medcite.eval.kb import build_knowledge_base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--embed-chars", type=int, default=0, help="0 = BM25 only")
    parser.add_argument("--embedder", default="e5-small")
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).parent / ".cache")
    args = parser.parse_args()
    dataset = load_beir(args.dataset)
    started = time.perf_counter()
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            print(f"{now - started:7.0f}s {stage} {done}/{total}", file=sys.stderr, flush=True)

    kb = build_knowledge_base(dataset, args.cache_dir, args.embed_chars or None, progress, args.embedder)
    print(json.dumps({"reused": kb.reused, "chunks": len(kb.chunk_to_doc), **kb.timings}, indent=2))


if __name__ == "__main__":
    main()
