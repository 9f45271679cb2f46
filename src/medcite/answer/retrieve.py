"""Retrieval for answers: an expanded lexical query and a short dense query, fused.

BM25 gains from the intent and escalation terms added to the question (they pull in
recommendation sentences); the dense model gains nothing from them and costs time per token,
so it embeds only the question. Both go through `SearchService` (expansion, filters, clinical
rerank) and are fused by reciprocal rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from medcite.models import SearchHit
from medcite.search.fusion import reciprocal_rank_fusion
from medcite.search.service import SearchService


@dataclass
class Retrieved:
    hits: list[SearchHit]
    timings_ms: dict[str, float] = field(default_factory=dict)


def retrieve(
    search: SearchService,
    lexical_query: str,
    dense_query: str,
    k: int,
    query_vector: np.ndarray | None = None,
) -> Retrieved:
    """`query_vector`: the embedding of `dense_query`, when the caller has computed it."""
    lexical = search.search(lexical_query, k=k * 2, mode="bm25")
    plain = search.search(dense_query, k=k * 2, mode="bm25")
    rankings = [[(h.chunk_id, h.score) for h in lexical.hits], [(h.chunk_id, h.score) for h in plain.hits]]
    by_id = {h.chunk_id: h for h in lexical.hits}
    for h in plain.hits:
        by_id.setdefault(h.chunk_id, h)
    timings = {f"bm25_{name}": v for name, v in lexical.timings_ms.items() if name == "total"}
    if search.backend.has_vectors:
        dense = search.search(dense_query, k=k * 2, mode="dense", query_vector=query_vector)
        rankings.append([(h.chunk_id, h.score) for h in dense.hits])
        for h in dense.hits:
            by_id.setdefault(h.chunk_id, h)
        timings.update(
            {f"dense_{name}": v for name, v in dense.timings_ms.items() if name in ("embed_query", "total")}
        )
    fused = (
        reciprocal_rank_fusion(rankings, k=search.settings.search.rrf_k) if len(rankings) > 1 else rankings[0]
    )
    ranked = sorted(fused, key=lambda item: (-item[1], item[0]))[:k]
    return Retrieved(hits=[_with_score(by_id[cid], score) for cid, score in ranked], timings_ms=timings)


def _with_score(hit: SearchHit, score: float) -> SearchHit:
    return SearchHit(
        chunk_id=hit.chunk_id,
        source_id=hit.source_id,
        score=score,
        text=hit.text,
        section_path=hit.section_path,
        source_title=hit.source_title,
        source_kind=hit.source_kind,
        year=hit.year,
        char_start=hit.char_start,
        char_end=hit.char_end,
        page=hit.page,
        scores=hit.scores,
    )


# Completeness probes: one cheap BM25 query per checklist topic, so a caution or a trial that the
# main query ranked below other topics' passages still reaches the composer.
PROBES = {
    "cautions": "contraindicated avoid caution warnings risk do not",
    "evidence": "randomised trial placebo results evidence study",
    "monitoring": "monitoring check measure every weeks",
    "alternatives": "if fails alternative switch instead",
    "referral": "refer specialist multidisciplinary team",
    "dosing": "dose mg daily weekly starting maximum",
    "rationale": "early delay irreversible why matters",
}


def probe(
    search: SearchService, topic: str, per_probe: int = 2, exclude: set[int] | None = None
) -> list[SearchHit]:
    """Top BM25 passages for the topic crossed with each probe, not already retrieved."""
    seen = set(exclude or ())
    out: list[SearchHit] = []
    if not topic.strip():
        return out
    for terms in PROBES.values():
        result = search.search(f"{topic} {terms}", k=per_probe + len(seen), mode="bm25")
        added = 0
        for hit in result.hits:
            if hit.chunk_id in seen or added >= per_probe:
                continue
            seen.add(hit.chunk_id)
            out.append(hit)
            added += 1
    return out
