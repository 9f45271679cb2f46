"""A folder of real shared documents of every XML/HTML format, ingested end to end.

The folder holds symlinks, so the shared data is read in place and never copied.
"""

from pathlib import Path

import pytest

from conftest import shared_path
from medcite.config import Settings
from medcite.ingest.pipeline import ingest_paths
from medcite.models import SourceKind
from medcite.store import Store
from medcite.store.sources import get_source, list_sources

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def test_mixed_folder_of_real_documents(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    files = {
        "humira.xml": shared_path("drug_labels_spl", "xml", "humira.xml"),
        "no-title.xml": shared_path("drug_labels_spl", "xml", "no-title.xml"),
        "cough.xml": shared_path("drug_labels_spl", "xml", "cough.xml"),
        "pntd.0002065.nxml": shared_path("guideline_fulltext", "pmc_jats", "pntd.0002065.nxml"),
        "1471-2180-11-174.nxml": shared_path("guideline_fulltext", "pmc_jats", "1471-2180-11-174.nxml"),
        "pubmed5.xml": shared_path("connectors", "ncbi_eutils_biopython", "xml", "pubmed5.xml"),
        "mmwr.html": shared_path("guideline_fulltext", "mmwr_html", "mmwr-selectees-compiled.html"),
    }
    folder = tmp_path / "library"
    (folder / "labels").mkdir(parents=True)
    for name, target in files.items():
        (folder / ("labels" if name.endswith(".xml") and "pubmed" not in name else "") / name).symlink_to(
            target
        )
    report = ingest_paths([folder], store, bm25_settings, embedder=None)
    assert [o for o in report.outcomes if o.status != "added"] == []
    assert len(report.outcomes) == len(files)
    sources = {Path(s.origin).name: s for s in list_sources(store)}
    assert set(sources) == {p.name for p in files.values()}

    humira = get_source(store, sources["humira.xml"].id)
    assert humira.kind == SourceKind.DRUG_LABEL.value and humira.format == "spl"
    assert humira.year == 2013 and humira.organisation == "AbbVie Inc."
    dosing = [
        c for c in humira.chunks if c.section_path and c.section_path[0] == "2 DOSAGE AND ADMINISTRATION"
    ]
    assert any("subcutaneous injection" in c.text for c in dosing)
    assert {sources[n].kind for n in ("no-title.xml", "cough.xml")} == {SourceKind.DRUG_LABEL}

    rvf = get_source(store, sources["pntd.0002065.nxml"].id)
    assert rvf.format == "jats"
    assert (rvf.doi, rvf.pmid, rvf.year) == ("10.1371/journal.pntd.0002065", "23469300", 2013)
    lysis = get_source(store, sources["1471-2180-11-174.nxml"].id)
    assert (lysis.doi, lysis.pmid) == ("10.1186/1471-2180-11-174", "21810267")
    assert lysis.licence == "http://creativecommons.org/licenses/by/2.0"

    pesticide = get_source(store, sources["pubmed5.xml"].id)
    assert pesticide.format == "pubmed" and pesticide.pmid == "28775130"
    assert pesticide.doi == "10.1136/oemed-2017-104431"
    assert ["Abstract", "CONCLUSIONS"] in [c.section_path for c in pesticide.chunks]

    mmwr = sources["mmwr-selectees-compiled.html"]
    assert mmwr.format == "html" and mmwr.chunks > 500
    for summary in sources.values():
        source = get_source(store, summary.id)
        assert source.chunks, summary.origin
        for chunk in source.chunks:
            assert source.text[chunk.char_start : chunk.char_end] == chunk.text

    again = ingest_paths([folder], store, bm25_settings, embedder=None)
    assert {o.status for o in again.outcomes} == {"unchanged"}
