"""Which source a question is about, judged from the questions each source is known to answer.

Search ranks passages, and a passage of another topic can outrank the right one by sharing more words
with the question: "best first-line abx and duration?" for cystitis matches an H. pylori regimen's
"preferred first-line ... for 14 days". The topics' known questions (`answerable`) are written as
clinicians ask. So the asked question is compared with every known question in the knowledge base,
not only with those of the sources search returned, and each votes for its source as in
`answerable.line_votes`. Two uses: the answer reads the leading source whole
(`service.whole_lead_source`), so its advice reaches the composer even when search missed it; and
hybrid search ranks passages of the sources the questions point to higher (`search.service`, as its
`topic_prior`). With vectors the question is compared by embedding; without (a BM25-only knowledge
base) the known questions are searched with BM25 instead, and the best 50 vote by their score relative
to the best one (`LexicalQuestionIndex`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import bm25s
import numpy as np
from sqlalchemy import select

from medcite.answer.answerable import QuestionVectors, lines_for_origin
from medcite.config import Settings
from medcite.library.vector_pack import load_topic_question_keys, load_vector_pack, vector_pack_path
from medcite.search.embeddings import Embedder
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.tables import SourceRow
from medcite.text.tokens import tokenize

# Sharper than a line's votes within one topic (`answerable.TEMPERATURE`, 0.02): across the whole
# knowledge base every topic has hundreds of loosely similar questions, whose many small votes drown
# the few close ones at 0.02. Top topic right on the open sets (386 questions): 0.02 -> 360, 0.01 -> 373,
# 0.005 -> 368 (docs/benchmarks.md, eighth round).
TEMPERATURE = 0.01
# Without vectors: the best LEXICAL_TOP known questions by BM25 each vote exp((score / best - 1) / T).
# Top topic right on the open sets (386 questions) by these votes alone: T 0.05 -> 370, 0.1 -> 374,
# 0.2 -> 380; as BM25 search's prior (weight 1.0), right topic first 335 -> 378 (docs/benchmarks.md).
LEXICAL_TEMPERATURE = 0.2
LEXICAL_TOP = 50
# The answer reads the lexically routed source whole only when it holds this share of the votes: words
# shared with many topics' questions ("what side effects should I warn about?") make a weak, wrong lead.
LEXICAL_MIN_SHARE = 0.3


@dataclass(frozen=True)
class KnownQuestionIndex:
    """Every known question of the knowledge base's sources, as one matrix with its source ids."""

    kb_version: int
    source_ids: np.ndarray  # one per row of `matrix`
    matrix: np.ndarray  # unit vectors, one row per known question

    @cached_property
    def _grouping(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct source ids and each question's position among them (once, not per query)."""
        ids, inverse = np.unique(self.source_ids, return_inverse=True)
        return ids, inverse

    def source_shares(self, query_vector: np.ndarray) -> dict[int, float]:
        """Each source's share of all votes (exp((cosine - 1) / T) per question), largest first."""
        if not len(self.source_ids):
            return {}
        votes = np.exp((self.matrix @ query_vector - 1.0) / TEMPERATURE)
        ids, inverse = self._grouping
        per_source = np.bincount(inverse, weights=votes)
        total = float(per_source.sum())
        if total <= 0:
            return {}
        order = np.argsort(-per_source, kind="stable")
        return {int(ids[i]): float(per_source[i] / total) for i in order}


@dataclass(frozen=True)
class LexicalQuestionIndex:
    """Every known question as a BM25 document, with its source id (for knowledge bases without vectors)."""

    kb_version: int
    source_ids: np.ndarray
    retriever: bm25s.BM25 | None
    vocabulary: dict[str, int]

    def source_shares(self, question: str) -> dict[int, float]:
        """Each source's share of the votes of the known questions most like `question`, largest first;
        empty when no known question shares a word with it."""
        if self.retriever is None:
            return {}
        tokens = [self.vocabulary[w] for w in tokenize(question) if w in self.vocabulary]
        if not tokens:
            return {}
        k = min(LEXICAL_TOP, len(self.source_ids))
        rows, scores = self.retriever.retrieve([tokens], k=k, show_progress=False, n_threads=1)
        best = float(scores[0].max())
        if best <= 0:
            return {}
        votes: dict[int, float] = {}
        for row, score in zip(rows[0], scores[0], strict=True):
            if score > 0:
                sid = int(self.source_ids[row])
                votes[sid] = votes.get(sid, 0.0) + float(np.exp((score / best - 1.0) / LEXICAL_TEMPERATURE))
        total = sum(votes.values())
        shares = {sid: v / total for sid, v in sorted(votes.items(), key=lambda item: (-item[1], item[0]))}
        # every source with known questions is named, with 0 when none of its questions voted: a source
        # left out is one the router knows nothing about (`SearchService._with_topic_prior`)
        return shares | {sid: 0.0 for sid in self._sources if sid not in shares}

    @cached_property
    def _sources(self) -> tuple[int, ...]:
        return tuple(int(sid) for sid in np.unique(self.source_ids))


def build_lexical_index(store: Store) -> LexicalQuestionIndex:
    """The BM25 index over every stored source's known questions (reads each source's sidecar)."""
    with store.session() as s:
        rows = s.execute(select(SourceRow.id, SourceRow.origin).order_by(SourceRow.id)).all()
    ids: list[int] = []
    vocabulary: dict[str, int] = {}
    corpus: list[list[int]] = []
    for source_id, origin in rows:
        for line in lines_for_origin(origin or ""):
            for q in line.questions:
                corpus.append([vocabulary.setdefault(w, len(vocabulary)) for w in tokenize(q)])
                ids.append(source_id)
    retriever = None
    if corpus:
        retriever = bm25s.BM25(k1=0.9, b=0.4)
        retriever.index((corpus, vocabulary), show_progress=False)
    return LexicalQuestionIndex(store.kb_version(), np.array(ids, dtype=np.int64), retriever, vocabulary)


def build_index(
    store: Store, vectors: QuestionVectors, packed: Mapping[str, tuple[str, ...]] | None = None
) -> KnownQuestionIndex:
    """The index over all stored sources that have known questions (library topics, local sidecars).
    `packed`: library topics' question keys from the vector pack (`load_topic_question_keys`), which
    spare reading every topic's sidecar on the first answer; other sources' sidecars are read."""
    with store.session() as s:
        rows = s.execute(select(SourceRow.id, SourceRow.origin).order_by(SourceRow.id)).all()
    ids: list[int] = []
    blocks: list[np.ndarray] = []
    for source_id, origin in rows:
        keys = (packed or {}).get(origin or "", ())
        if keys and all(k in vectors.pack for k in keys):
            block = np.stack([vectors.pack[k] for k in keys])
        else:
            questions = tuple(q for line in lines_for_origin(origin or "") for q in line.questions)
            block = vectors.get(questions) if questions else np.zeros((0, 1))
        if len(block):
            blocks.append(block)
            ids += [source_id] * len(block)
    matrix = np.vstack(blocks) if blocks else np.zeros((0, 1), dtype=np.float32)
    return KnownQuestionIndex(store.kb_version(), np.array(ids, dtype=np.int64), matrix)


class TopicRouter:
    """Query vector -> each source's share of the known questions' votes, largest first.

    The index is built on first use and again whenever the knowledge base's version changes; the known
    questions' vectors come from the library's vector pack (`QuestionVectors`), others are encoded once."""

    def __init__(self, store: Store, embedder: Callable[[], Embedder]) -> None:
        self.store = store
        self._embedder = embedder
        self._vectors: QuestionVectors | None = None
        self._index: KnownQuestionIndex | None = None
        self._lexical: LexicalQuestionIndex | None = None
        self._packed: dict[str, tuple[str, ...]] | None = None

    @property
    def vectors(self) -> QuestionVectors:
        if self._vectors is None:
            embedder = self._embedder()
            self._vectors = QuestionVectors(embedder, load_vector_pack(vector_pack_path(), embedder.name))
        return self._vectors

    def __call__(self, query_vector: np.ndarray) -> dict[int, float]:
        if self._index is None or self._index.kb_version != self.store.kb_version():
            if self._packed is None:  # the shipped pack does not change while MedCite runs
                self._packed = load_topic_question_keys(vector_pack_path(), self.vectors.embedder.name)
            self._index = build_index(self.store, self.vectors, self._packed)
        return self._index.source_shares(query_vector)

    def lexical(self, question: str) -> dict[int, float]:
        """The same shares from word overlap (BM25 over the known questions), for a knowledge base
        without vectors."""
        if self._lexical is None or self._lexical.kb_version != self.store.kb_version():
            self._lexical = build_lexical_index(self.store)
        return self._lexical.source_shares(question)


def routed_source(shares: dict[int, float], minimum: float = 0.0) -> int | None:
    """The source the known questions point to most, if any has known questions and its share is at
    least `minimum`."""
    source_id = next(iter(shares), None)
    return source_id if source_id is not None and shares[source_id] >= minimum else None


def routed_search(settings: Settings, store: Store) -> SearchService:
    """Search whose hybrid ranking also weighs which topic the known questions point to (`medcite search`)."""
    service = SearchService(settings, store)
    router = TopicRouter(store, lambda: service.embedder)
    service.topic_prior, service.lexical_prior = router, router.lexical
    return service
