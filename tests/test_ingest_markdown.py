from pathlib import Path

import pytest
from sqlalchemy import func, select

from medcite.config import Settings
from medcite.ingest.pipeline import ingest_paths
from medcite.models import SourceKind
from medcite.store import Store
from medcite.store.sources import get_source, list_sources
from medcite.store.tables import ChunkRow

FIXTURE = Path(__file__).parent / "fixtures" / "ra_guideline.md"


def _chunk_count(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count(ChunkRow.id))) or 0)


def test_markdown_front_matter_sections_and_table(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    report = ingest_paths([FIXTURE], store, bm25_settings, embedder=None)
    assert [o.status for o in report.outcomes] == ["added"]
    [summary] = list_sources(store)
    assert summary.kind is SourceKind.GUIDELINE and summary.year == 2021
    row = get_source(store, summary.id)
    assert row.organisation == "MedCite test suite"
    assert row.meta["keywords"] == ["rheumatoid arthritis", "methotrexate", "DMARD"]
    sections = {" > ".join(c.section_path) for c in row.chunks}
    assert "Recommendations > Inadequate response to methotrexate" in sections
    table = [c for c in row.chunks if c.is_table]
    assert table[0].text.splitlines()[1] == "| Methotrexate | 15-25 mg | PO or SC | weekly |"
    for c in row.chunks:
        assert row.text[c.char_start : c.char_end] == c.text


def test_reingest_skips_unchanged_and_replaces_changed(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(FIXTURE.read_text())
    assert ingest_paths([doc], store, bm25_settings, None).outcomes[0].status == "added"
    before = _chunk_count(store)
    version = store.kb_version()
    assert ingest_paths([doc], store, bm25_settings, None).outcomes[0].status == "unchanged"
    assert store.kb_version() == version
    doc.write_text(FIXTURE.read_text() + "\n# Monitoring\nCheck liver tests every 8 weeks.\n")
    outcome = ingest_paths([doc], store, bm25_settings, None).outcomes[0]
    assert outcome.status == "replaced"
    assert _chunk_count(store) == before + 1
    assert len(list_sources(store)) == 1
    assert store.kb_version() == version + 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty"),
        ("blank.md", b"   \n\n", "empty"),
        ("binary.md", b"\x00\x01\x02garbage" * 10, "binary"),
        ("latin1.md", "Caf\xe9 dose".encode("latin-1"), "UTF-8"),
        ("bad-front.md", b"---\ntitle: [unclosed\n---\nBody text here.", "front matter"),
        ("only-front.md", b"---\ntitle: x\n---\n", "no text"),
        ("data.csv", b"a,b\n1,2\n", "unsupported format"),
    ],
)
def test_bad_input_gets_one_line_reason_and_others_still_ingest(
    store: Store, bm25_settings: Settings, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    report = ingest_paths([bad, FIXTURE, tmp_path / "missing.md"], store, bm25_settings, None)
    statuses = {Path(o.path).name: (o.status, o.reason) for o in report.outcomes}
    assert statuses[name][0] == "failed"
    assert reason.lower() in statuses[name][1].lower()
    assert "\n" not in statuses[name][1]
    assert statuses["ra_guideline.md"][0] == "added"
    assert statuses["missing.md"] == ("failed", "path does not exist")
    assert len(list_sources(store)) == 1


def test_oversized_file_is_refused_before_reading(store: Store, data_dir: Path, tmp_path: Path) -> None:
    from medcite.config import load_settings

    settings = load_settings(data_dir=data_dir, ingest={"embed": False, "max_file_mb": 0.001})
    big = tmp_path / "big.md"
    big.write_text("word " * 2000)
    [outcome] = ingest_paths([big], store, settings, None).outcomes
    assert outcome.status == "failed" and "limit" in outcome.reason


def test_symlink_loop_and_folder_walk(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.md").write_text(FIXTURE.read_text())
    (root / "sub" / "loop").symlink_to(root)
    (root / "notes.csv").write_text("ignored in folder walks")
    report = ingest_paths([root], store, bm25_settings, None)
    added = [o for o in report.outcomes if o.status == "added"]
    assert len(added) == 1
    assert any("loop" in o.reason for o in report.outcomes if o.status == "failed")
