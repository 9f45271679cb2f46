"""Read a BEIR-format data set: corpus.jsonl, queries.jsonl and qrels/<split>.tsv.

BEIR (Thakur et al., 2021) is the common exchange format for retrieval test collections, so a
user can point `medcite eval retrieval` at any of them. Malformed input raises InputError naming
the file and line, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medcite.errors import InputError


@dataclass(frozen=True)
class BeirDoc:
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True)
class BeirDataset:
    name: str
    root: Path
    corpus: dict[str, BeirDoc]
    queries: dict[str, str]  # only queries that have at least one relevant document
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: graded relevance > 0}
    corpus_hash: str

    def subset(self, query_ids: list[str]) -> BeirDataset:
        """The same corpus with fewer queries (for dev/test splits and --limit-queries)."""
        keep = set(query_ids)
        return BeirDataset(
            name=self.name,
            root=self.root,
            corpus=self.corpus,
            queries={q: t for q, t in self.queries.items() if q in keep},
            qrels={q: r for q, r in self.qrels.items() if q in keep},
            corpus_hash=self.corpus_hash,
        )


def _jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise InputError(f"{path} is missing; a BEIR folder needs corpus.jsonl, queries.jsonl and qrels/.")
    rows = []
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not valid JSON ({exc.msg}).") from exc
                if not isinstance(row, dict):
                    raise InputError(f"{path}:{number}: expected a JSON object per line.")
                rows.append((number, row))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text.") from exc
    if not rows:
        raise InputError(f"{path} is empty.")
    return rows


def _field(path: Path, number: int, row: dict[str, Any], key: str, required: bool = True) -> str:
    value = row.get(key)
    if value is None:
        if required:
            raise InputError(f"{path}:{number}: the field {key!r} is missing.")
        return ""
    return str(value)


def load_corpus(path: Path) -> dict[str, BeirDoc]:
    corpus: dict[str, BeirDoc] = {}
    for number, row in _jsonl(path):
        doc_id = _field(path, number, row, "_id")
        if doc_id in corpus:
            raise InputError(f"{path}:{number}: duplicate document id {doc_id!r}.")
        corpus[doc_id] = BeirDoc(
            doc_id, _field(path, number, row, "title", False), _field(path, number, row, "text")
        )
    return corpus


def load_queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    for number, row in _jsonl(path):
        queries[_field(path, number, row, "_id")] = _field(path, number, row, "text")
    return queries


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Tab-separated `query-id, corpus-id, score` with a header line; scores <= 0 are not relevant."""
    if not path.is_file():
        raise InputError(f"{path} is missing; a BEIR folder keeps its judgements in qrels/<split>.tsv.")
    qrels: dict[str, dict[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text.") from exc
    if not lines or not lines[0].lower().startswith("query"):
        raise InputError(f"{path}:1: expected the header 'query-id<TAB>corpus-id<TAB>score'.")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise InputError(f"{path}:{number}: expected 3 tab-separated columns, found {len(parts)}.")
        query_id, doc_id, score = (p.strip() for p in parts)
        try:
            grade = int(float(score))
        except ValueError as exc:
            raise InputError(f"{path}:{number}: the score {score!r} is not a number.") from exc
        if grade > 0:
            qrels.setdefault(query_id, {})[doc_id] = grade
    return qrels


def load_beir(root: Path, split: str = "test") -> BeirDataset:
    """Load and cross-check a BEIR folder; queries without a judged relevant document are dropped."""
    if not root.is_dir():
        raise InputError(f"{root} is not a folder; pass a BEIR data set folder to --dataset.")
    corpus_path = root / "corpus.jsonl"
    corpus = load_corpus(corpus_path)
    queries = load_queries(root / "queries.jsonl")
    qrels = load_qrels(root / "qrels" / f"{split}.tsv")
    unknown = {d for rel in qrels.values() for d in rel if d not in corpus}
    if unknown:
        example = sorted(unknown)[0]
        raise InputError(
            f"{root}: qrels name {len(unknown)} documents missing from corpus.jsonl (e.g. {example!r})."
        )
    judged = {q: t for q, t in queries.items() if q in qrels}
    if not judged:
        raise InputError(f"{root}: no query in queries.jsonl has a relevant document in qrels/{split}.tsv.")
    digest = hashlib.sha256(corpus_path.read_bytes()).hexdigest()
    return BeirDataset(
        name=root.name,
        root=root,
        corpus=corpus,
        queries=judged,
        qrels={q: qrels[q] for q in judged},
        corpus_hash=digest,
    )
