"""BEIR folders: the normal case and the malformed files users will hand us."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcite.errors import InputError
from medcite.eval.beir import load_beir


def write_beir(root: Path, corpus: list[dict[str, str]], queries: list[dict[str, str]], qrels: str) -> Path:
    (root / "qrels").mkdir(parents=True, exist_ok=True)
    (root / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus))
    (root / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (root / "qrels" / "test.tsv").write_text(qrels)
    return root


CORPUS = [
    {"_id": "d1", "title": "Gout", "text": "Colchicine treats acute gout flares."},
    {"_id": "d2", "title": "Asthma", "text": "Inhaled corticosteroids control asthma."},
]
QUERIES = [
    {"_id": "q1", "text": "gout flare treatment"},
    {"_id": "q2", "text": "asthma controller"},
    {"_id": "q3", "text": "a query without judgements"},
]


def test_loads_corpus_queries_and_graded_qrels(tmp_path: Path) -> None:
    root = write_beir(
        tmp_path / "set", CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\t2\nq2\td2\t1\nq2\td1\t0\n"
    )
    data = load_beir(root)
    assert data.name == "set"
    assert data.corpus["d1"].title == "Gout"
    assert data.qrels == {"q1": {"d1": 2}, "q2": {"d2": 1}}  # score 0 is "not relevant"
    assert set(data.queries) == {"q1", "q2"}  # q3 has no judgement
    assert len(data.corpus_hash) == 64


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: (r / "corpus.jsonl").unlink(), "corpus.jsonl is missing"),
        (
            lambda r: (r / "corpus.jsonl").write_text('{"_id": "d1", "text": "x"}\n{broken\n'),
            "corpus.jsonl:2: not valid JSON",
        ),
        (lambda r: (r / "corpus.jsonl").write_text('{"title": "no id", "text": "x"}\n'), "'_id' is missing"),
        (
            lambda r: (r / "corpus.jsonl").write_text(
                '{"_id": "d1", "text": "a"}\n{"_id": "d1", "text": "b"}\n'
            ),
            "duplicate document id",
        ),
        (lambda r: (r / "corpus.jsonl").write_bytes(b'{"_id": "d1", "text": "caf\xe9"}\n'), "not UTF-8"),
        (lambda r: (r / "queries.jsonl").write_text(""), "queries.jsonl is empty"),
        (lambda r: (r / "qrels" / "test.tsv").write_text("q1\td1\t1\n"), "expected the header"),
        (
            lambda r: (r / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1 d1 1\n"),
            "test.tsv:2: expected 3",
        ),
        (
            lambda r: (r / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\thigh\n"),
            "is not a number",
        ),
        (
            lambda r: (r / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td9\t1\n"),
            "missing from corpus",
        ),
        (
            lambda r: (r / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq9\td1\t1\n"),
            "no query",
        ),
        (lambda r: (r / "qrels" / "test.tsv").unlink(), "qrels/<split>.tsv"),
    ],
)
def test_malformed_folders_raise_clear_errors(tmp_path: Path, mutate, message: str) -> None:
    root = write_beir(tmp_path / "set", CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    mutate(root)
    with pytest.raises(InputError, match=message):
        load_beir(root)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        load_beir(tmp_path / "nowhere")
