"""Passage role cues computed once, when the embedded index is built, and reused across rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from medcite.config import Settings
from medcite.ingest.pipeline import ingest_paths
from medcite.search.embedded import FORMAT_VERSION, EmbeddedBackend
from medcite.search.intent import passage_role_hits, passage_roles, roles_from_hits
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.tables import ChunkRow

TREATMENT = (
    "How is gout treated? A flare is treated with colchicine, an NSAID or a corticosteroid; "
    "long-term treatment lowers urate with allopurinol."
)
SYMPTOMS = (
    "What are the signs and symptoms of gout? Sudden pain, swelling and redness of a joint, "
    "often the big toe, are the usual symptoms."
)
DEFINITION = "Gout is a form of inflammatory arthritis caused by urate crystals in a joint."


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(f"---\ntitle: Gout\n---\n\n{text}\n")
    return folder


def test_hits_give_exactly_the_roles_computed_from_text() -> None:
    for text in (TREATMENT, SYMPTOMS, DEFINITION, "", "What is gout?"):
        assert roles_from_hits(passage_role_hits(text)) == passage_roles(text)


def test_index_holds_each_chunks_roles_and_the_service_uses_them(
    tmp_path: Path, store: Store, bm25_settings: Settings
) -> None:
    folder = _write(tmp_path / "docs", {"t.md": TREATMENT, "s.md": SYMPTOMS, "d.md": DEFINITION})
    ingest_paths([folder], store, bm25_settings, None)
    backend = EmbeddedBackend(store, bm25_settings.index_dir, None)
    backend.refresh()
    with store.session() as s:
        texts = dict(s.execute(select(ChunkRow.id, ChunkRow.text)).all())  # type: ignore[arg-type]
    stored = backend.roles(list(texts))
    assert stored == {cid: passage_roles(text) for cid, text in texts.items()}
    assert backend.roles_computed == len(texts)

    service = SearchService(bm25_settings, store, backend=backend)
    assert "colchicine" in service.search("What are the treatments for gout?", mode="bm25").hits[0].text
    assert "swelling" in service.search("What are the symptoms of gout?", mode="bm25").hits[0].text


def test_repeated_text_is_computed_once(tmp_path: Path, store: Store, bm25_settings: Settings) -> None:
    folder = _write(tmp_path / "docs", {"t.md": TREATMENT})
    (folder / "copy.md").write_text(f"---\ntitle: Gout copy\n---\n\n{TREATMENT}\n")
    ingest_paths([folder], store, bm25_settings, None)
    backend = EmbeddedBackend(store, bm25_settings.index_dir, None)
    backend.refresh()
    assert backend.roles_computed == 1
    assert list(backend.roles(list(backend._position)).values()) == [passage_roles(TREATMENT)] * 2


def test_rebuild_computes_roles_only_for_new_text(
    tmp_path: Path, store: Store, bm25_settings: Settings
) -> None:
    folder = _write(tmp_path / "docs", {"t.md": TREATMENT, "s.md": SYMPTOMS})
    ingest_paths([folder], store, bm25_settings, None)
    backend = EmbeddedBackend(store, bm25_settings.index_dir, None)
    backend.refresh()
    assert backend.roles_computed == 2
    _write(folder, {"d.md": DEFINITION})
    ingest_paths([folder], store, bm25_settings, None)
    backend.refresh()  # knowledge base changed: rebuilt
    assert backend.roles_computed == 1


def test_index_of_an_older_format_is_rebuilt_with_roles(
    tmp_path: Path, store: Store, bm25_settings: Settings
) -> None:
    folder = _write(tmp_path / "docs", {"t.md": TREATMENT})
    ingest_paths([folder], store, bm25_settings, None)
    backend = EmbeddedBackend(store, bm25_settings.index_dir, None)
    backend.refresh()
    # make it look like an index written by the previous release: format 3, no role files
    state_file = backend.dir / "state.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "format": FORMAT_VERSION - 1}))
    (backend.dir / "roles.npy").unlink()
    (backend.dir / "role_hashes.npy").unlink()

    fresh = EmbeddedBackend(store, bm25_settings.index_dir, None)
    fresh.refresh()
    assert json.loads(state_file.read_text())["format"] == FORMAT_VERSION
    assert fresh.roles_computed == 1
    [(_cid, roles)] = fresh.roles(list(fresh._position)).items()
    assert roles == passage_roles(TREATMENT)
