"""Passage-encoding throughput on MedQuAD chunk text: model, characters embedded, batch size, order.

The texts are exactly what ingest hands the embedder (`embedding_text`: source title, section and
chunk text) for a seeded sample of MedQuAD passages written as Markdown and chunked by MedCite.

    .venv/bin/python bench/bench_embed.py --models minilm-int8,e5-small --chars 300,1200 --batches 2,32,64
    .venv/bin/python bench/bench_embed.py --models minilm-int8 --threads 1,2 --order sorted

Each configuration encodes the same texts once after a warm-up batch; figures are passages per
second of wall time and CPU seconds per passage (all threads), with the load average beside them.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

import _common as c
from medcite.config import load_settings
from medcite.ingest.pipeline import embedding_text, prepare_document
from medcite.search.embeddings import Embedder, MiniLMInt8Embedder, get_embedder


def sample_texts(n: int, seed: int = 11) -> list[str]:
    """Embedding texts of the chunks of `n` random MedQuAD passages (about two chunks each)."""
    passages = random.Random(seed).sample(c.medquad_passages(), n)
    settings = load_settings(data_dir=c.CACHE / "tmp-embed")
    texts: list[str] = []
    for p in passages:
        doc = prepare_document(Path(f"{p.doc_id}.md"), c.markdown_bytes(p), settings, origin=p.doc_id)
        texts.extend(embedding_text(doc.meta.title, chunk) for chunk in doc.chunks)
    return texts


def make_embedder(name: str, threads: int | None) -> Embedder:
    if name == "minilm-int8" and threads:
        return MiniLMInt8Embedder(threads=threads)
    return get_embedder(name)


def run(embedder: Embedder, texts: list[str], chars: int, batch: int, order: str) -> dict[str, object]:
    cut = [t[:chars] for t in texts]
    if order == "sorted":
        cut.sort(key=len)
    embedder._encode(cut[:batch], "passage")  # warm-up: first-call allocations
    cpu0 = c.cpu_seconds()
    t0 = time.perf_counter()
    vectors = np.concatenate(
        [embedder._encode(cut[i : i + batch], "passage") for i in range(0, len(cut), batch)]
    )
    wall = time.perf_counter() - t0
    cpu = c.cpu_seconds() - cpu0
    assert len(vectors) == len(cut)
    return {
        "passages": len(cut),
        "mean_chars": round(sum(map(len, cut)) / len(cut)),
        "seconds": round(wall, 2),
        "passages_per_s": round(len(cut) / wall, 1),
        "cpu_ms_per_passage": round(1000 * cpu / len(cut), 1),
        "load": c.load_average(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", default="minilm-int8")
    parser.add_argument("--chars", default="300,1200")
    parser.add_argument("--batches", default="64")
    parser.add_argument("--order", default="sorted,corpus")
    parser.add_argument("--threads", default="0", help="minilm-int8 intra-op threads (0 = the default)")
    parser.add_argument(
        "--docs", type=int, default=300, help="MedQuAD passages sampled (about 2 chunks each)"
    )
    args = parser.parse_args()
    c.header("Passage encoding throughput")
    texts = sample_texts(args.docs)
    results = []
    for name in args.models.split(","):
        for threads in [int(t) for t in args.threads.split(",")]:
            embedder = make_embedder(name, threads or None)
            for chars in [int(x) for x in args.chars.split(",")]:
                for batch in [int(b) for b in args.batches.split(",")]:
                    for order in args.order.split(","):
                        row = {"model": name, "threads": threads or "default", "chars": chars, "batch": batch,
                               "order": order, **run(embedder, texts, chars, batch, order)}  # fmt: skip
                        results.append(row)
                        print(row, flush=True)
    c.save_result("embed-throughput", {"machine": c.machine(), "results": results})


if __name__ == "__main__":
    main()
