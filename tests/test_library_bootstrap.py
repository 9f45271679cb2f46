"""First-use indexing of the starter library: add, update, remove, disable, and the shipped vector pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcite.config import load_settings
from medcite.library.bootstrap import (
    build_vector_pack,
    ensure_library,
    library_files,
    library_texts,
    load_vector_pack,
    vector_pack_path,
)
from medcite.search.embeddings import Embedder, get_embedder
from medcite.search.vector_cache import vector_key
from medcite.store import Store
from medcite.store.sources import list_sources

TOPIC = """---
title: {title}
specialty: cardiology
kind: editorial_summary
status: Submitted
---
# Recommendations
## First line
{sentence}
"""


def _write_topic(root: Path, slug: str, title: str, sentence: str) -> Path:
    path = root / "topics" / "cardiology" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TOPIC.format(title=title, sentence=sentence))
    return path


class CountingEmbedder(Embedder):
    """The real e5-small model, counting the passages it encodes."""

    def __init__(self) -> None:
        self.real = get_embedder("e5-small")
        self.name = self.real.name
        self.dim = self.real.dim
        self.encoded = 0

    def _encode(self, texts, role):  # type: ignore[no-untyped-def]
        self.encoded += len(texts)
        return self.real._encode(texts, role)


def test_sync_adds_updates_removes_and_disables(tmp_path: Path, store: Store) -> None:
    settings = load_settings(data_dir=tmp_path / "d", ingest={"embed": False})
    root = tmp_path / "lib" / "topics"
    _write_topic(root.parent, "a", "Topic A", "Offer drug A first.")
    _write_topic(root.parent, "b", "Topic B", "Offer drug B first.")

    first = ensure_library(store, settings, None, root=root)
    assert sorted(first.added) == ["library:cardiology/a.md", "library:cardiology/b.md"]
    again = ensure_library(store, settings, None, root=root)
    assert not again.changed and again.unchanged == 2

    _write_topic(root.parent, "a", "Topic A", "Offer drug A2 first.")
    (root / "cardiology" / "b.md").unlink()
    sync = ensure_library(store, settings, None, root=root)
    assert sync.updated == ["library:cardiology/a.md"] and sync.removed == ["library:cardiology/b.md"]
    assert [s.title for s in list_sources(store)] == ["Topic A"]

    disabled = load_settings(data_dir=tmp_path / "d", ingest={"embed": False}, library={"enabled": False})
    assert ensure_library(store, disabled, None, root=root).removed == ["library:cardiology/a.md"]
    assert list_sources(store) == []


def test_vector_pack_means_no_encoding_on_first_use(tmp_path: Path, store: Store) -> None:
    settings = load_settings(data_dir=tmp_path / "d")
    root = tmp_path / "lib" / "topics"
    _write_topic(root.parent, "a", "Topic A", "Offer drug A first. Check potassium after one week.")
    embedder = CountingEmbedder()
    path, encoded = build_vector_pack(settings, embedder, root=root)
    assert path == vector_pack_path(root) and encoded == len(library_texts(settings, root))

    embedder.encoded = 0
    sync = ensure_library(store, settings, embedder, root=root)
    assert sync.added == ["library:cardiology/a.md"] and embedder.encoded == 0

    _write_topic(root.parent, "a", "Topic A", "Offer drug A first. Check potassium after two weeks.")
    ensure_library(store, settings, embedder, root=root)
    assert embedder.encoded == 1  # only the edited sentence's chunk


def test_shipped_vector_pack_covers_the_shipped_library(tmp_path: Path) -> None:
    """Fails when topics change without `medcite library build-vectors`: first use would be slow."""
    settings = load_settings(data_dir=tmp_path / "d")
    if not library_files():
        pytest.skip("no library topics shipped")
    pack = load_vector_pack(vector_pack_path(), "e5-small")
    missing = [t for t in library_texts(settings) if vector_key("e5-small", t) not in pack]
    assert not missing, f"{len(missing)} library passages lack vectors: run `medcite library build-vectors`"


def test_local_folder_is_synced_and_takes_precedence(tmp_path: Path, store: Store) -> None:
    from medcite.library.bootstrap import sync_local_folders
    from medcite.search.service import SearchService

    local = tmp_path / "hospital"
    local.mkdir()
    protocol = local / "af.md"
    protocol.write_text(
        "---\ntitle: Our hospital AF protocol\nkind: guideline\n---\n# Recommendations\n"
        "Start oral anticoagulation for atrial fibrillation when the stroke risk score is raised; "
        "use the hospital formulary anticoagulant.\n"
    )
    root = tmp_path / "lib" / "topics"
    _write_topic(
        root.parent, "af", "Atrial fibrillation anticoagulation",
        "Start oral anticoagulation for atrial fibrillation with a raised stroke risk score.",
    )  # fmt: skip
    plain = load_settings(data_dir=tmp_path / "d", ingest={"embed": False})
    settings = load_settings(
        data_dir=tmp_path / "d", ingest={"embed": False}, library={"local_folders": [local]}
    )
    ensure_library(store, settings, None, root=root)
    sync = sync_local_folders(store, settings, None)
    assert sync.added == [str(protocol)]

    query = "oral anticoagulation atrial fibrillation stroke risk score"
    without = SearchService(plain, store).search(query, mode="bm25").hits
    assert without[0].source_title == "Atrial fibrillation anticoagulation"
    with_local = SearchService(settings, store).search(query, mode="bm25").hits
    assert with_local[0].source_title == "Our hospital AF protocol"

    protocol.unlink()
    assert sync_local_folders(store, settings, None).removed == [str(protocol.resolve())]
    assert [s.title for s in list_sources(store)] == ["Atrial fibrillation anticoagulation"]
