"""Answer latency with the extractive composer, and cold start of `medcite ask`.

Builds a knowledge base from tests/fixtures/answers (real e5-small vectors) in a temporary folder,
then times `AnswerService.ask` warm (model loaded, index built) over a question set, and the whole
`medcite ask` process from a cold interpreter. Prints a Markdown table for docs/benchmarks.md.

    /work/main/.venv/bin/python bench/bench_answer.py [--repeats 3] [--cold 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from medcite.answer.service import AnswerService  # noqa: E402
from medcite.config import load_settings  # noqa: E402
from medcite.ingest.pipeline import ingest_paths  # noqa: E402
from medcite.search.embeddings import get_embedder  # noqa: E402
from medcite.store import Store  # noqa: E402

QUESTIONS = [
    "What is the next step for a patient with example syndrome whose EFS fell from 30/52 to 26/52 over two "
    "weeks on drug A and drug B, who responded before to treatment C?",
    "What dose of drug D is used in example syndrome?",
    "How should example syndrome be monitored after treatment C?",
    "Next step for a 54-year-old woman with RA despite methotrexate 20 mg weekly, DAS28 5.1, CRP 34 mg/L?",
    "What is the starting dose of methotrexate in rheumatoid arthritis?",
    "Can methotrexate be used in pregnancy?",
    "What should be done if a first biologic fails in rheumatoid arthritis?",
    "What dose of metformin for type 2 diabetes with eGFR 38 mL/min/1.73m2?",
    "HbA1c rose from 7.2% to 8.6% over 6 months in a 60 yo man with type 2 diabetes on metformin. "
    "What to add?",
    "Is lisinopril safe in a pregnant woman with hypertension, BP 150/95?",
    "Blood pressure uncontrolled on amlodipine and lisinopril: what next?",
    "How is hypertension diagnosed?",
    "What is the treatment of malaria in children?",
    "What dose of allopurinol is used for gout?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings = load_settings(data_dir=data_dir)
        store = Store(settings.database_url)
        t = time.perf_counter()
        ingest_paths([ROOT / "tests" / "fixtures" / "answers"], store, settings, get_embedder("e5-small"))
        ingest_s = time.perf_counter() - t
        service = AnswerService(settings, store)
        service.ask(QUESTIONS[0])  # warm: model loaded, index built
        totals: list[float] = []
        cpu: list[float] = []
        stages: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            for question in QUESTIONS:
                t, c = time.perf_counter(), time.process_time()
                article = service.ask(question)
                totals.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                for name, ms in article.provenance.timings_ms.items():
                    stages.setdefault(name, []).append(ms)
        store.dispose()

        cold: list[float] = []
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-c", "from medcite.cli import main; main()", "--data-dir", str(data_dir),
                   "ask", QUESTIONS[3], "--json"]  # fmt: skip
        for _ in range(args.cold):
            t = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            cold.append((time.perf_counter() - t) * 1000)

    load = os.getloadavg()
    n_docs = len(list((ROOT / "tests" / "fixtures" / "answers").glob("*.md")))
    print(f"Knowledge base: {n_docs} fixture documents, ingested with e5-small in {ingest_s:.1f} s.")
    print(f"Load average at the end of the run: {load[0]:.1f} on 2 cores.\n")
    rows = [("ask, warm, wall time", totals), ("ask, warm, CPU time of the process", cpu)]
    rows += [
        (f"stage: {name}", stages[name]) for name in ("analyse", "retrieve", "select", "compose", "verify")
    ]
    rows.append(("`medcite ask` cold process, wall time", cold))
    print("| measure | n | p50 (ms) | p95 (ms) |")
    print("|---|---|---|---|")
    for label, values in rows:
        print(f"| {label} | {len(values)} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} |")
    print(f"\nmean warm wall {statistics.mean(totals):.0f} ms, mean CPU {statistics.mean(cpu):.0f} ms")


if __name__ == "__main__":
    main()
