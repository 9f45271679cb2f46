"""The embedded index answers rerank metadata from its own arrays; it must match the store."""

from pathlib import Path

from medcite.config import Settings
from medcite.ingest.pipeline import ingest_paths
from medcite.search.embedded import EmbeddedBackend
from medcite.store import Store
from medcite.store.sources import get_source, list_sources

FIXTURE = Path(__file__).parent / "fixtures" / "ra_guideline.md"


def test_info_from_index_matches_the_store(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    undated = tmp_path / "undated.md"
    undated.write_text("# Background\n\nMethotrexate is taken once a week.\n")
    ingest_paths([FIXTURE, undated], store, bm25_settings, embedder=None)
    backend = EmbeddedBackend(store, bm25_settings.index_dir, None)
    backend.refresh()

    rows = [get_source(store, s.id) for s in list_sources(store)]
    chunks = {c.id: (row, c) for row in rows for c in row.chunks}
    infos = backend.info([*chunks, 10_000])  # an id the index does not hold is left out
    assert set(infos) == set(chunks)
    for cid, info in infos.items():
        row, chunk = chunks[cid]
        assert info.source_id == row.id
        assert info.kind.value == row.kind
        assert info.year == row.year
        assert info.source_title == row.title
        assert info.section_path == tuple(chunk.section_path)
        assert info.is_table == chunk.is_table
    assert any(i.is_table for i in infos.values()) and any(i.year is None for i in infos.values())
