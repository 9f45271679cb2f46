"""Readability of answers per audience over the starter library's question set (issue 4: patient <= grade 8).

Indexes the starter library (shipped vector pack) in a temporary folder, answers every question of
src/medcite/library/questions.yaml for the clinician and the patient audience with `AnswerService.ask`,
and prints the Flesch-Kincaid grade that each article's provenance reports (the prose shown: patient
articles are measured on their plain renderings). Also counts plain renderings rejected by the check.

    /work/main/.venv/bin/python bench/bench_readability.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import yaml  # noqa: E402

from medcite.answer.schema import Audience  # noqa: E402
from medcite.answer.service import AnswerService  # noqa: E402
from medcite.config import load_settings  # noqa: E402
from medcite.library.bootstrap import ensure_library  # noqa: E402
from medcite.search.embeddings import get_embedder  # noqa: E402
from medcite.store import Store  # noqa: E402

AUDIENCES = (Audience.CLINICIAN, Audience.TRAINEE, Audience.PATIENT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true", help="Print per-question grades as JSON.")
    args = parser.parse_args()
    questions = [
        q["question"] for q in yaml.safe_load((ROOT / "src/medcite/library/questions.yaml").read_text())
    ]
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        store = Store(settings.database_url)
        ensure_library(store, settings, get_embedder(settings.search.embedder))
        service = AnswerService(settings, store)
        grades: dict[Audience, list[float]] = {a: [] for a in AUDIENCES}
        rejected = statements = 0
        t = time.perf_counter()
        for question in questions:
            for audience in AUDIENCES:
                article = service.ask(question, audience=audience)
                assert article.provenance.readability is not None
                grades[audience].append(article.provenance.readability.flesch_kincaid_grade)
                if audience is Audience.PATIENT:
                    rejected += len(article.provenance.plain_rejected)
                    statements += len(article.statements())
        seconds = time.perf_counter() - t
        store.dispose()
    if args.json:
        print(json.dumps({a.value: g for a, g in grades.items()}, indent=1))
        return
    load = os.getloadavg()[0]
    print(f"{len(questions)} questions, {started:%Y-%m-%d %H:%M} UTC, load {load:.1f}, {seconds:.0f} s")
    print("| audience | median grade | share <= 8 | p25 | p75 | max |")
    print("|---|---|---|---|---|---|")
    for audience, values in grades.items():
        q1, _, q3 = statistics.quantiles(values, n=4)
        share = sum(v <= 8 for v in values) / len(values)
        print(
            f"| {audience.value} | {statistics.median(values):.2f} | {share:.1%} | {q1:.1f} | {q3:.1f} "
            f"| {max(values):.1f} |"
        )
    print(f"patient statements: {statements}, plain renderings rejected by verify_plain: {rejected}")


if __name__ == "__main__":
    main()
