"""Where ingest time goes with embeddings: `ingest_paths` (what `medcite ingest` runs) on a MedQuAD sample.

Counts the model calls and their sizes, the time inside the encoder and the CPU per chunk; with
`--cprofile`, prints the functions that took the most time.

    .venv/bin/python bench/profile_ingest.py --embedder minilm-int8 --docs 400 --chars 200
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import shutil
import time

import numpy as np

import _common as c
from medcite.config import load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.search.embeddings import Role, get_embedder
from medcite.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embedder", default="minilm-int8")
    parser.add_argument("--docs", type=int, default=400, help="MedQuAD passages sampled (seed 11)")
    parser.add_argument("--chars", type=int, default=0, help="characters the model reads (0 = its default)")
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    c.header("Ingest profile with embeddings")
    sample = random.Random(11).sample(c.medquad_passages(), args.docs)
    folder = c.write_markdown_folder(sample, c.CACHE / f"medquad-md-sample-{args.docs}")
    data_dir = c.CACHE / "profile-ingest"
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = load_settings(
        data_dir=data_dir, search={"embedder": args.embedder}, library={"enabled": False}
    )
    store = Store(settings.database_url)
    embedder = get_embedder(args.embedder)
    embedder.embed_query("warm up")
    if args.chars:
        embedder.max_chars = args.chars
    calls: list[int] = []
    encoding = [0.0]
    encode = embedder._encode

    def counted(texts: list[str], role: Role) -> np.ndarray:
        t = time.perf_counter()
        out = encode(texts, role)
        encoding[0] += time.perf_counter() - t
        calls.append(len(texts))
        return out

    embedder._encode = counted  # type: ignore[method-assign]
    profile = cProfile.Profile()
    cpu = c.cpu_seconds()
    with c.Timer() as t:
        if args.cprofile:
            profile.enable()
        report = ingest_paths([folder], store, settings, embedder)
        profile.disable()
    cpu = c.cpu_seconds() - cpu
    chunks = report.chunks
    print(
        f"{args.embedder}, {embedder.max_chars} characters: {chunks} chunks in {t.seconds:.1f} s "
        f"({chunks / t.seconds:.1f} chunks/s); encoder {encoding[0]:.1f} s in {len(calls)} calls "
        f"(mean {sum(calls) / max(len(calls), 1):.1f} passages); CPU {cpu:.1f} s = "
        f"{1000 * cpu / max(chunks, 1):.1f} ms per chunk; load {c.load_average()}"
    )
    if args.cprofile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(20)
    store.dispose()


if __name__ == "__main__":
    main()
