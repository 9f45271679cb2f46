"""Measure the semantic-reuse threshold for approved articles on a hand-written paraphrase set.

    /work/main/.venv/bin/python bench/reuse_threshold.py [--text raw|normalised]

For every pair in bench/data/question_pairs.tsv it embeds both questions with e5-small (as the
answer pipeline does for a new question) and prints precision and recall of "reuse" at each
threshold for three rules: cosine alone; cosine and the same numbers; cosine, the same numbers
and the same clinical qualifiers (`medcite.editorial.similarity.compatible`, what MedCite uses).
The threshold chosen is the lowest one at which no "different" pair is reused (precision 1.0):
serving an approved answer to a different question is the error that matters.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from medcite.editorial.normalise import normalise_question
from medcite.editorial.similarity import compatible, same_numbers
from medcite.search.embeddings import get_embedder

PAIRS = Path(__file__).parent / "data" / "question_pairs.tsv"


def load_pairs() -> list[tuple[bool, str, str]]:
    pairs = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, a, b = line.split("\t")
            pairs.append((label == "same", a, b))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", choices=["raw", "normalised"], default="raw")
    args = parser.parse_args()
    pairs = load_pairs()
    embedder = get_embedder("e5-small")
    start = time.perf_counter()
    cache: dict[str, np.ndarray] = {}
    for _, a, b in pairs:
        for q in (a, b):
            text = q if args.text == "raw" else normalise_question(q)
            if q not in cache:
                cache[q] = embedder.embed_query(text)
    elapsed = time.perf_counter() - start
    labels = np.array([same for same, _, _ in pairs])
    sims = np.array([float(cache[a] @ cache[b]) for _, a, b in pairs])
    norm = [(normalise_question(a), normalise_question(b)) for _, a, b in pairs]
    numbers_ok = np.array([same_numbers(a, b) for a, b in norm])
    all_ok = np.array([compatible(a, b) for a, b in norm])
    exact = sum(normalise_question(a) == normalise_question(b) for _, a, b in pairs)
    print(f"{len(pairs)} pairs ({labels.sum()} same, {(~labels).sum()} different); text={args.text}")
    print(f"embedded {len(cache)} questions in {elapsed:.1f} s ({1000 * elapsed / len(cache):.0f} ms each)")
    print(f"pairs equal after normalisation: {exact}")
    print(f"similarity same: min {sims[labels].min():.4f} median {np.median(sims[labels]):.4f}")
    print(f"similarity different: max {sims[~labels].max():.4f} median {np.median(sims[~labels]):.4f}")
    rules = {"cosine": np.ones_like(numbers_ok), "+ numbers": numbers_ok, "+ numbers + qualifiers": all_ok}
    print("| threshold | " + " | ".join(f"P / R ({name})" for name in rules) + " |")
    print("|---|" + "---|" * len(rules))
    chosen = None
    positives = int(labels.sum())
    for t in np.arange(0.85, 0.995, 0.005):
        row = [f"{t:.3f}"]
        for name, guard in rules.items():
            predicted = (sims >= t) & guard
            tp = int((predicted & labels).sum())
            fp = int((predicted & ~labels).sum())
            precision = tp / (tp + fp) if tp + fp else 1.0
            row.append(f"{precision:.2f} / {tp / positives:.2f} ({tp}/{positives}, {fp} FP)")
            if name == "+ numbers + qualifiers" and fp == 0 and chosen is None:
                chosen = (t, precision, tp / positives)
        print("| " + " | ".join(row) + " |")
    if chosen:
        print(f"chosen threshold {chosen[0]:.3f}: precision {chosen[1]:.3f}, recall {chosen[2]:.3f}")
    guard_fn = sum(1 for ok, (same, _, _) in zip(all_ok, pairs, strict=True) if same and not ok)
    print(f"same-meaning pairs the qualifier/number rules refuse outright: {guard_fn}")
    for ok, (same, a, b) in zip(all_ok, pairs, strict=True):
        if same and not ok:
            print(f"  refused: {a} | {b}")
    print("different-meaning pairs that pass the rules, most similar first:")
    ranked = sorted(zip(pairs, sims, all_ok, strict=True), key=lambda x: -x[1])
    for (same, a, b), sim, ok in ranked:
        if ok and not same:
            print(f"  {sim:.4f} | {a} | {b}")


if __name__ == "__main__":
    main()
