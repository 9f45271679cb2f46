"""Which source a question is about, judged from the questions each source is known to answer.

Search ranks passages, and a passage of another topic can outrank the right one by sharing more words
with the question: "best first-line abx and duration?" for cystitis matches an H. pylori regimen's
"preferred first-line ... for 14 days". The topics' known questions (`answerable`) are written as
clinicians ask. So the asked question is compared with every known question in the knowledge base,
not only with those of the sources search returned, and each votes for its source as in
`answerable.line_votes`. Two uses: the answer reads the leading source whole
(`service.whole_lead_source`), so its advice reaches the composer even when search missed it; and
hybrid search ranks passages of the sources the questions point to higher (`search.service`, as its
`topic_prior`). Vectors only: without an embedder, word overlap with thousands of questions would
cost more than it is worth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from medcite.answer.answerable import QuestionVectors, lines_for_origin
from medcite.config import Settings
from medcite.library.vector_pack import load_topic_question_keys, load_vector_pack, vector_pack_path
from medcite.search.embeddings import Embedder
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.tables import SourceRow

# Sharper than a line's votes within one topic (`answerable.TEMPERATURE`, 0.02): across the whole
# knowledge base every topic has hundreds of loosely similar questions, whose many small votes drown
# the few close ones at 0.02. Top topic right on the open sets (386 questions): 0.02 -> 360, 0.01 -> 373,
# 0.005 -> 368 (docs/benchmarks.md, eighth round).
TEMPERATURE = 0.01


@dataclass(frozen=True)
class KnownQuestionIndex:
    """Every known question of the knowledge base's sources, as one matrix with its source ids."""

    kb_version: int
    source_ids: np.ndarray  # one per row of `matrix`
    matrix: np.ndarray  # unit vectors, one row per known question

    def source_shares(self, query_vector: np.ndarray) -> dict[int, float]:
        """Each source's share of all votes (exp((cosine - 1) / T) per question), largest first."""
        if not len(self.source_ids):
            return {}
        votes = np.exp((self.matrix @ query_vector - 1.0) / TEMPERATURE)
        ids, inverse = np.unique(self.source_ids, return_inverse=True)
        per_source = np.bincount(inverse, weights=votes)
        total = float(per_source.sum())
        if total <= 0:
            return {}
        order = np.argsort(-per_source, kind="stable")
        return {int(ids[i]): float(per_source[i] / total) for i in order}


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

    @property
    def vectors(self) -> QuestionVectors:
        if self._vectors is None:
            embedder = self._embedder()
            self._vectors = QuestionVectors(embedder, load_vector_pack(vector_pack_path(), embedder.name))
        return self._vectors

    def __call__(self, query_vector: np.ndarray) -> dict[int, float]:
        if self._index is None or self._index.kb_version != self.store.kb_version():
            packed = load_topic_question_keys(vector_pack_path(), self.vectors.embedder.name)
            self._index = build_index(self.store, self.vectors, packed)
        return self._index.source_shares(query_vector)


def routed_source(shares: dict[int, float]) -> int | None:
    """The source the known questions point to most, if any has known questions."""
    return next(iter(shares), None)


def routed_search(settings: Settings, store: Store) -> SearchService:
    """Search whose hybrid ranking also weighs which topic the known questions point to (`medcite search`)."""
    service = SearchService(settings, store)
    service.topic_prior = TopicRouter(store, lambda: service.embedder)
    return service
