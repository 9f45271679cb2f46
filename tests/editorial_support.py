"""Shared set-up for the editorial tests: real sources ingested from fixture files, an answer dict
built from their real chunks (the way the extractive composer cites exact passages), and users."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from medcite.config import Settings
from medcite.editorial import add_user
from medcite.ingest.pipeline import ingest_paths
from medcite.models import UserRole
from medcite.store import Store
from medcite.store.sources import get_source, list_sources

FIXTURES = Path(__file__).parent / "fixtures"
QUESTION = "What is the first-line treatment for an acute gout flare, and how is urate lowered?"


def ingest_fixtures(store: Store, settings: Settings, folder: Path) -> dict[str, int]:
    """Copy the two fixture guidelines into `folder` (so tests may change them) and ingest them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("gout_summary.md", "ra_guideline.md"):
        shutil.copy(FIXTURES / name, folder / name)
    ingest_paths([folder], store, settings, embedder=None)
    return {Path(s.origin).name: s.id for s in list_sources(store)}


def _chunk_with(store: Store, source_id: int, phrase: str) -> tuple[int, str]:
    for chunk in get_source(store, source_id).chunks:
        if phrase in chunk.text:
            return chunk.id, chunk.text
    raise AssertionError(f"no chunk of source {source_id} contains {phrase!r}")


def compose_answer(store: Store, sources: dict[str, int]) -> dict[str, Any]:
    """An answer whose statements are sentences of the passages they cite."""
    gout, ra = sources["gout_summary.md"], sources["ra_guideline.md"]
    picks = [
        (gout, "Start colchicine 1.2 mg"),
        (gout, "Begin allopurinol"),
        (gout, "Check serum urate every 6 months"),
        (ra, "Add a biologic"),
    ]
    references = []
    for n, (source_id, phrase) in enumerate(picks, start=1):
        chunk_id, text = _chunk_with(store, source_id, phrase)
        references.append({"n": n, "chunk_id": chunk_id, "source_id": source_id, "text": text})
    statements = [
        {
            "id": "s1",
            "section": "bottom_line",
            "text": "Start colchicine 1.2 mg at the first sign of a flare, "
            "followed by 0.6 mg one hour later.",
            "citations": [1],
        },
        {
            "id": "s2",
            "section": "treatment_algorithm",
            "text": "Begin allopurinol at no more than 100 mg daily and raise the dose every 2 to 5 weeks "
            "until serum urate is below 6 mg/dL.",
            "citations": [2],
        },
        {
            "id": "s3",
            "section": "important_considerations",
            "text": "Check serum urate every 6 months once the target is reached.",
            "citations": [3],
        },
    ]
    return {"title": "Management of gout", "statements": statements, "references": references}


def add_team(store: Store) -> None:
    add_user(store, "rita", UserRole.REVIEWER)
    add_user(store, "ravi", UserRole.REVIEWER)
    add_user(store, "eddie", UserRole.EDITOR)
    add_user(store, "cleo", UserRole.CLINICIAN)
    add_user(store, "ada", UserRole.ADMIN)


def as_article_layout(flat: dict[str, Any]) -> dict[str, Any]:
    """The same answer in the answer pipeline's AnswerArticle JSON layout (sections, passages)."""
    by_id = {
        s["id"]: {"text": s["text"], "citations": s["citations"], "lead": None, "role": None}
        for s in flat["statements"]
    }
    references = [
        {
            "number": r["n"],
            "source_id": r["source_id"],
            "kind": "Guideline",
            "title": "fixture",
            "passages": [
                {
                    "chunk_id": r["chunk_id"],
                    "section_path": [],
                    "char_start": 0,
                    "char_end": 1,
                    "text": r["text"],
                }
            ],
        }
        for r in flat["references"]
    ]
    return {
        "schema_version": "1.0",
        "question": QUESTION,
        "intent": "treatment_choice",
        "audience": "clinician",
        "title": flat["title"],
        "warnings": [{"kind": "pending_review", "text": "Content pending human review.", "citations": []}],
        "bottom_line": [by_id["s1"]],
        "treatment_algorithm": [by_id["s2"]],
        "specific_recommendation": [],
        "evidence_supporting": [],
        "important_considerations": {
            "monitoring": [by_id["s3"]],
            "alternatives": [],
            "cautions": [],
            "multidisciplinary": [],
        },
        "closing_rationale": None,
        "found_but_not_recommended": [],
        "references": references,
        "review": {
            "status": "Submitted",
            "version": 1,
            "last_updated": None,
            "reviewers": [],
            "editorial_policy": "/editorial-policy",
        },
        "disclaimer": "For professionals.",
    }
