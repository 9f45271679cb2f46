"""Readability of answers per audience over the starter library's question set (issue 4: patient <= grade 8).

Indexes the starter library (shipped vector pack) in a temporary folder, answers every question of
src/medcite/library/questions.yaml for the clinician and the patient audience with `AnswerService.ask`,
and prints the Flesch-Kincaid grade that each article's provenance reports (the prose shown: patient
articles are measured on their plain renderings, a bulleted list as lead-in + item per item, see
answer/readability.py). Also counts plain renderings rejected by the check and the lists laid out, and
prints what each rule does (the patient article's statements rendered with some rules only).

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

from medcite.answer.lists import LIST_ITEM  # noqa: E402
from medcite.answer.plain import plain_text  # noqa: E402
from medcite.answer.readability import flesch_kincaid  # noqa: E402
from medcite.answer.schema import AnswerArticle, Audience  # noqa: E402
from medcite.answer.service import AnswerService, article_text  # noqa: E402
from medcite.config import load_settings  # noqa: E402
from medcite.library.bootstrap import ensure_library  # noqa: E402
from medcite.search.embeddings import get_embedder  # noqa: E402
from medcite.store import Store  # noqa: E402

AUDIENCES = (Audience.CLINICIAN, Audience.TRAINEE, Audience.PATIENT)


# What each rule does: the patient article's statements rendered with some rules only (assessment and
# leads as the patient sees them), and the clinician article's statements with every rule but no cut in depth.
VARIANTS: dict[str, dict[str, bool]] = {
    "source sentences (patient depth, leads and Assessment only)": {
        "asides": False,
        "cuts": False,
        "words": False,
        "lists": False,
    },
    "+ asides dropped only": {"asides": True, "cuts": False, "words": False, "lists": False},
    "+ lexicon only": {"asides": False, "cuts": False, "words": True, "lists": False},
    "+ clause cuts only": {"asides": False, "cuts": True, "words": False, "lists": False},
    "+ bulleted lists only": {"asides": False, "cuts": False, "words": False, "lists": True},
    "all rules but lists": {"asides": True, "cuts": True, "words": True, "lists": False},
    "all rules but clause cuts": {"asides": True, "cuts": False, "words": True, "lists": True},
    "all rules but condition moves": {
        "asides": True,
        "cuts": True,
        "words": True,
        "lists": True,
        "moves": False,
    },
    "all rules (what is shown)": {"asides": True, "cuts": True, "words": True, "lists": True},
}


def prose(article: AnswerArticle, render: dict[str, bool] | None) -> str:
    parts = list(article.assessment.summary)
    for _, s in article.statements():
        text = plain_text(s.text, **render) if render is not None else s.text
        parts.append(f"{s.lead}: {text}" if s.lead else text)
    return "\n\n".join(p if p.rstrip().endswith((".", "?", "!")) else p + "." for p in parts)


def everything_shown(article: AnswerArticle) -> float:
    """The grade with the warnings, the review banner and the disclaimer added to the measured prose."""
    extra = [w.text for w in article.warnings] + [article.disclaimer]
    return flesch_kincaid("\n\n".join([article_text(article), *extra])).flesch_kincaid_grade


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
        shown: dict[Audience, list[float]] = {a: [] for a in AUDIENCES}
        variants: dict[str, list[float]] = {name: [] for name in VARIANTS}
        variants["all rules, clinician depth (no sections cut)"] = []
        rejected = statements = lists = moved = 0
        t = time.perf_counter()
        for question in questions:
            by_audience = {}
            for audience in AUDIENCES:
                article = by_audience[audience] = service.ask(question, audience=audience)
                assert article.provenance.readability is not None
                grades[audience].append(article.provenance.readability.flesch_kincaid_grade)
                shown[audience].append(everything_shown(article))
                if audience is Audience.PATIENT:
                    rejected += len(article.provenance.plain_rejected)
                    statements += len(article.statements())
                    lists += sum(LIST_ITEM in (s.plain or "") for _, s in article.statements())
                    moved += sum(
                        plain_text(s.text) != plain_text(s.text, moves=False) for _, s in article.statements()
                    )
                    for name, render in VARIANTS.items():
                        variants[name].append(flesch_kincaid(prose(article, render)).flesch_kincaid_grade)
            deep = by_audience[Audience.CLINICIAN].model_copy(deep=True)
            deep.assessment.summary = by_audience[Audience.PATIENT].assessment.summary
            variants["all rules, clinician depth (no sections cut)"].append(
                flesch_kincaid(prose(deep, VARIANTS["all rules (what is shown)"])).flesch_kincaid_grade
            )
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
    for audience, values in shown.items():
        share = sum(v <= 8 for v in values) / len(values)
        print(
            f"with warnings, banner, disclaimer, {audience.value}: median {statistics.median(values):.2f}, "
            f"share <= 8 {share:.1%}"
        )
    print("\n| patient variant | median grade | share <= 8 |\n|---|---|---|")
    for name, values in variants.items():
        share = sum(v <= 8 for v in values) / len(values)
        print(f"| {name} | {statistics.median(values):.2f} | {share:.1%} |")
    print(
        f"patient statements: {statements}, laid out with a bulleted list: {lists}, "
        f"with an opening condition moved after its instruction: {moved}, "
        f"plain renderings rejected by verify_plain: {rejected}"
    )


if __name__ == "__main__":
    main()
