"""`medcite eval retrieval` end to end: a BEIR folder written here, and the real PubMedQA set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from medcite.cli.main import app
from medcite.eval.beir import load_beir
from medcite.eval.retrieval import run_retrieval_eval
from test_eval_beir import write_beir

CORPUS = [
    {
        "_id": "gout-tx",
        "title": "Gout",
        "text": "Acute gout flares are treated with colchicine, NSAIDs or steroids.",
    },
    {
        "_id": "gout-sx",
        "title": "Gout",
        "text": "Signs and symptoms of gout include a hot, swollen, painful joint.",
    },
    {
        "_id": "asthma-tx",
        "title": "Asthma",
        "text": "Inhaled corticosteroids are the controller treatment for asthma.",
    },
    {
        "_id": "af-ac",
        "title": "Atrial fibrillation",
        "text": "Apixaban prevents stroke in atrial fibrillation.",
    },
    {"_id": "ckd", "title": "Chronic kidney disease", "text": "Metformin dose is reduced when eGFR falls."},
]
QUERIES = [
    {"_id": "q1", "text": "How is a gout flare treated?"},
    {"_id": "q2", "text": "What are the symptoms of gout?"},
    {"_id": "q3", "text": "anticoagulation to prevent stroke in AF"},
    {"_id": "q4", "text": "asthma controller inhaler"},
]
QRELS = "query-id\tcorpus-id\tscore\nq1\tgout-tx\t1\nq2\tgout-sx\t1\nq3\taf-ac\t1\nq4\tasthma-tx\t1\n"


def test_cli_prints_every_metric_for_every_system(tmp_path: Path) -> None:
    root = write_beir(tmp_path / "tiny", CORPUS, QUERIES, QRELS)
    args = ["--data-dir", str(tmp_path / "data"), "eval", "retrieval", "--dataset", str(root)]
    args += [
        "--systems",
        "bm25,dense,hybrid,baseline-bm25s",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents"] == 5 and report["queries"] == 4
    for name in ("bm25", "dense", "hybrid", "baseline-bm25s"):
        scores = report["systems"][name]["all"]
        assert set(scores) == {"ndcg@10", "recall@1", "recall@10", "recall@100", "mrr@10"}
        assert scores["recall@100"] == 1.0  # five documents: everything is retrieved
    # Each query names its document's words; intent separates the two gout passages.
    assert report["systems"]["hybrid"]["all"]["recall@1"] == 1.0
    assert report["systems"]["baseline-bm25s"]["all_ratio"]["ndcg@10"] == 1.0
    # The knowledge base is cached: a second run reuses it.
    again = run_retrieval_eval(load_beir(root), ["bm25"], tmp_path / "cache")
    assert again.chunks == 5


def test_cli_reports_a_bad_dataset_in_one_line(tmp_path: Path) -> None:
    from medcite.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(tmp_path / "d"), "eval", "retrieval", "--dataset", str(tmp_path / "none")])
    assert exit_info.value.code == 3


def test_unknown_system_is_refused(tmp_path: Path) -> None:
    root = write_beir(tmp_path / "tiny", CORPUS, QUERIES, QRELS)
    from medcite.errors import InputError

    with pytest.raises(InputError, match="Unknown system 'colbert'"):
        run_retrieval_eval(load_beir(root), ["colbert"], tmp_path / "cache")


@pytest.mark.shared_data
def test_pubmedqa_subset_bm25_finds_the_abstract(tmp_path: Path) -> None:
    source = shared_path("retrieval", "pubmedqa-ir")
    docs = [json.loads(line) for line in (source / "corpus.jsonl").read_text().splitlines()[:200]]
    keep = {d["_id"] for d in docs}
    lines = (source / "qrels" / "test.tsv").read_text().splitlines()
    qrels = [line for line in lines[1:] if line.split("\t")[1] in keep]
    wanted = {line.split("\t")[0] for line in qrels}
    queries = [
        q for q in map(json.loads, (source / "queries.jsonl").read_text().splitlines()) if q["_id"] in wanted
    ]
    root = write_beir(tmp_path / "pubmedqa-200", docs, queries, "\n".join([lines[0], *qrels]) + "\n")
    report = run_retrieval_eval(load_beir(root), ["bm25", "baseline-bm25s"], tmp_path / "cache")
    medcite, baseline = (s.metrics() for s in report.systems)
    assert len(report.queries) >= 150
    assert medcite["ndcg@10"] > 0.8
    assert medcite["ndcg@10"] >= baseline["ndcg@10"] - 0.02
