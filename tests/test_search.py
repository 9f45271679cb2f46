"""Search over a small real knowledge base: BM25, dense (real e5-small), hybrid, filters, index refresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcite.config import Settings, load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.models import SourceKind
from medcite.search.backend import Filters
from medcite.search.embeddings import get_embedder
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.sources import remove_source

DOCS = {
    "anticoag.md": """---
title: Anticoagulation in atrial fibrillation (test summary)
kind: guideline
year: 2023
specialty: cardiology
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
specialty: pulmonology
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
specialty: rheumatology
---
# Treatment of flares
Treat an acute gout flare early with colchicine, an NSAID or a corticosteroid.
""",
}


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return folder


def _top_titles(service: SearchService, query: str, **kwargs: object) -> list[str]:
    return [h.source_title for h in service.search(query, **kwargs).hits]  # type: ignore[arg-type]


def test_bm25_finds_exact_terms_and_expands_abbreviations(
    store: Store, bm25_settings: Settings, kb: Path
) -> None:
    ingest_paths([kb], store, bm25_settings, embedder=None)
    service = SearchService(bm25_settings, store)
    result = service.search("AF stroke prevention", mode="bm25")
    assert "atrial fibrillation" in result.expansion.added
    assert result.hits[0].section_path == ("Recommendations", "Stroke prevention")
    assert result.hits[0].text.startswith("Offer an oral anticoagulant")
    assert result.hits[0].source_kind is SourceKind.GUIDELINE
    assert _top_titles(service, "colchicine for gout flare", mode="bm25")[0].startswith("Gout flares")


def test_hits_point_at_exact_spans(store: Store, bm25_settings: Settings, kb: Path) -> None:
    from medcite.store.sources import get_source

    ingest_paths([kb], store, bm25_settings, embedder=None)
    for hit in SearchService(bm25_settings, store).search("inhaled corticosteroid", mode="bm25").hits:
        source = get_source(store, hit.source_id)
        assert source.text[hit.char_start : hit.char_end] == hit.text


def test_filters_by_kind_year_and_specialty(store: Store, bm25_settings: Settings, kb: Path) -> None:
    ingest_paths([kb], store, bm25_settings, embedder=None)
    service = SearchService(bm25_settings, store)
    query = "background chronic disease treatment"
    only_reviews = service.search(query, filters=Filters(kinds=(SourceKind.REVIEW,)), mode="bm25").hits
    assert only_reviews and {h.source_kind for h in only_reviews} == {SourceKind.REVIEW}
    recent = service.search(query, filters=Filters(year_min=2015), mode="bm25").hits
    assert recent and all((h.year or 0) >= 2015 for h in recent)
    rheum = service.search(query, filters=Filters(specialty="Rheumatology"), mode="bm25").hits
    assert [h.source_title for h in rheum] == ["Gout flares (test summary)"]


def test_index_follows_the_store(store: Store, bm25_settings: Settings, kb: Path) -> None:
    report = ingest_paths([kb], store, bm25_settings, embedder=None)
    service = SearchService(bm25_settings, store)
    assert service.search("colchicine", mode="bm25").hits
    gout = next(o.source_id for o in report.outcomes if o.path.endswith("gout.md"))
    assert gout is not None
    remove_source(store, gout)
    assert service.search("colchicine", mode="bm25").hits == []
    # a second process (new service, same data dir) reuses the on-disk index without rebuilding
    other = SearchService(bm25_settings, store)
    other.search("asthma", mode="bm25")
    assert getattr(other.backend, "last_build_seconds", None) is None


def test_no_match_and_bad_queries(store: Store, bm25_settings: Settings, kb: Path) -> None:
    from medcite.errors import InputError

    ingest_paths([kb], store, bm25_settings, embedder=None)
    service = SearchService(bm25_settings, store)
    assert service.search("zzzz qqqq", mode="bm25").hits == []
    with pytest.raises(InputError):
        service.search("   ")
    with pytest.raises(InputError):
        service.search("x" * 5000)


def test_empty_knowledge_base_returns_nothing(store: Store, bm25_settings: Settings) -> None:
    assert SearchService(bm25_settings, store).search("anything").hits == []


def test_dense_and_hybrid_with_the_real_embedder(store: Store, data_dir: Path, kb: Path) -> None:
    settings = load_settings(data_dir=data_dir)
    ingest_paths([kb], store, settings, embedder=get_embedder(settings.search.embedder))
    service = SearchService(settings, store)
    # no shared words with the passage: only the dense model links "blood thinner" + "irregular heartbeat"
    dense = service.search("which blood thinner for an irregular heartbeat", mode="dense")
    assert dense.hits[0].source_title.startswith("Anticoagulation")
    assert "dense" in dense.hits[0].scores and "embed_query" in dense.timings_ms
    hybrid = service.search("wheeze not controlled on inhaler", mode="hybrid", k=3)
    assert hybrid.hits[0].source_title.startswith("Asthma")
    assert set(hybrid.hits[0].scores) <= {"bm25", "dense"}


def test_reingest_encodes_only_changed_chunks(store: Store, data_dir: Path, tmp_path: Path) -> None:
    from medcite.ingest.pipeline import embedding_text, prepare_document, store_prepared
    from medcite.search.embeddings import Embedder
    from medcite.search.vector_cache import embed_with_reuse

    settings = load_settings(data_dir=data_dir)
    real = get_embedder(settings.search.embedder)

    class CountingEmbedder(Embedder):
        """The real model, counting how many passages it is asked to encode."""

        name = real.name
        dim = real.dim
        encoded = 0

        def _encode(self, texts, role):  # type: ignore[no-untyped-def]
            CountingEmbedder.encoded += len(texts)
            return real._encode(texts, role)

    embedder = CountingEmbedder()
    doc = tmp_path / "a.md"
    doc.write_text(DOCS["anticoag.md"])
    first = prepare_document(doc, doc.read_bytes(), settings)
    store_prepared(store, first, embedder)
    assert CountingEmbedder.encoded == len(first.chunks)
    doc.write_text(DOCS["anticoag.md"] + "\n# Monitoring\nCheck kidney function at least once a year.\n")
    second = prepare_document(doc, doc.read_bytes(), settings)
    CountingEmbedder.encoded = 0
    store_prepared(store, second, embedder)
    assert CountingEmbedder.encoded == 1
    # reused vectors equal freshly computed ones
    texts = [embedding_text(second.meta.title, c) for c in second.chunks]
    fresh, n = embed_with_reuse(real, texts, {})
    assert n == len(texts)
    from medcite.store.sources import vectors_for_origin

    stored = {text: blob for _, _, text, blob in vectors_for_origin(store, second.origin, real.name)}
    import numpy as np

    for i, chunk in enumerate(second.chunks):
        assert np.allclose(np.frombuffer(stored[chunk.text], dtype=np.float32), fresh[i], atol=1e-5)
