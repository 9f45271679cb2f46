"""The peer every MedCite figure is compared with: plain bm25s, outside MedCite.

Standard settings (k1 0.9, b 0.4, Lucene scoring, English Snowball stemmer, English stop words)
over title + text of each corpus document, so the ratio against MedCite is measured in the same run.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import Stemmer

from medcite.eval.beir import BeirDataset


def bm25s_baseline(dataset: BeirDataset, query_ids: Sequence[str], k: int = 100) -> dict[str, list[str]]:
    """Ranked document ids per query id."""
    doc_ids = list(dataset.corpus)
    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{d.title} {d.text}" for d in dataset.corpus.values()]
    tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(k1=0.9, b=0.4)
    retriever.index(tokens, show_progress=False)
    queries = [dataset.queries[q] for q in query_ids]
    query_tokens = bm25s.tokenize(queries, stopwords="en", stemmer=stemmer, show_progress=False)
    docs, _scores = retriever.retrieve(query_tokens, k=min(k, len(doc_ids)), show_progress=False)
    return {q: [doc_ids[i] for i in row] for q, row in zip(query_ids, docs.tolist(), strict=True)}
