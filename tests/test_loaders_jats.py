from pathlib import Path

import pytest

from conftest import shared_path
from loader_support import (
    APIXABAN_ROW,
    DOSE_HEADER,
    DOSE_ROWS,
    HEADER_ROW,
    assert_row_is_citable,
    ingest_single,
)
from medcite.config import Settings
from medcite.ingest.classify import classify_kind
from medcite.ingest.loaders.jats import load_jats
from medcite.models import SourceKind
from medcite.store import Store


def _jats_article() -> str:
    head = "".join(f"<th>{c}</th>" for c in DOSE_HEADER)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in DOSE_ROWS)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.0 20120330//EN"
  "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="practice-guideline">
<front>
 <journal-meta>
  <journal-title-group><journal-title>Journal of Test Cardiology</journal-title></journal-title-group>
  <publisher><publisher-name>MedCite Press</publisher-name></publisher></journal-meta>
 <article-meta>
  <article-id pub-id-type="pmid">99000001</article-id>
  <article-id pub-id-type="pmc">9900001</article-id>
  <article-id pub-id-type="doi">10.5555/medcite.jats.1</article-id>
  <title-group><article-title>Anticoagulant dosing in atrial fibrillation</article-title></title-group>
  <contrib-group>
   <contrib contrib-type="author">
    <name><surname>Rivera</surname><given-names>Ana Maria</given-names></name></contrib>
   <contrib contrib-type="author"><collab>AF Guideline Group</collab></contrib>
   <contrib contrib-type="editor">
    <name><surname>Editor</surname><given-names>Ed</given-names></name></contrib>
  </contrib-group>
  <pub-date pub-type="epub"><year>2022</year></pub-date>
  <permissions><license xlink:href="https://creativecommons.org/licenses/by/4.0/"><license-p>CC BY</license-p>
  </license></permissions>
  <abstract><sec><title>Background</title><p>Dosing errors are common.</p></sec>
   <sec><title>Conclusions</title><p>Use the label criteria.</p></sec></abstract>
  <kwd-group><kwd>apixaban</kwd><kwd>atrial fibrillation</kwd></kwd-group>
 </article-meta>
</front>
<body>
 <sec><title>Recommendations</title>
  <p>Offer a direct oral anticoagulant [<xref ref-type="bibr" rid="B1">1</xref>].</p>
  <sec><label>2.1</label><title>Dose reduction</title>
   <p>Reduce the dose only when criteria are met (<xref ref-type="table" rid="T1">Table 1</xref>).</p>
   <p>In CHA<sub>2</sub>DS<sub>2</sub>-VASc 2 or more:<list list-type="bullet">
    <list-item><p>offer apixaban</p></list-item><list-item><p>check renal function</p></list-item></list>
    then review yearly.</p>
   <table-wrap id="T1"><label>Table 1</label><caption><p>Reduced doses</p></caption>
    <table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
    <table-wrap-foot><fn><label>a</label><p>CrCl by Cockcroft-Gault.</p></fn></table-wrap-foot>
   </table-wrap>
   <fig id="F1"><label>Figure 1</label><caption><p>Dose selection flow chart.</p></caption>
    <graphic xlink:href="fig1.tif"/></fig>
  </sec>
 </sec>
</body>
<back><ack><p>We thank the reviewers.</p></ack>
 <ref-list><ref id="B1"><mixed-citation>REFERENCE-NOISE et al. 2020.</mixed-citation></ref></ref-list></back>
</article>"""


def test_jats_dose_table_round_trip_and_metadata(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    article = tmp_path / "af.nxml"
    article.write_text(_jats_article(), encoding="utf-8")
    source = ingest_single(article, store, bm25_settings)
    assert_row_is_citable(source, APIXABAN_ROW)
    table = next(c for c in source.chunks if c.is_table)
    assert table.text.splitlines()[0] == HEADER_ROW
    assert table.section_path == ["Recommendations", "2.1 Dose reduction", "Table 1. Reduced doses"]
    assert (source.pmid, source.doi, source.year) == ("99000001", "10.5555/medcite.jats.1", 2022)
    assert source.authors == ["Rivera AM", "AF Guideline Group"]
    assert source.journal == "Journal of Test Cardiology" and source.publisher == "MedCite Press"
    assert source.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert source.meta["pmcid"] == "PMC9900001"
    assert source.kind == SourceKind.GUIDELINE.value  # article-type practice-guideline
    paths = {tuple(c.section_path) for c in source.chunks}
    assert ("Abstract", "Background") in paths and ("Acknowledgments",) in paths
    assert "Figure 1. Dose selection flow chart." in source.text
    assert "a CrCl by Cockcroft-Gault." in source.text
    assert "REFERENCE-NOISE" not in source.text
    assert (
        "In CHA2DS2-VASc 2 or more:\n\n- offer apixaban\n\n- check renal function\n\nthen review yearly."
        in source.text
    )


@pytest.mark.shared_data
def test_real_pmc_article_metadata_and_nested_sections() -> None:
    path = shared_path("guideline_fulltext", "pmc_jats", "pntd.0002065.nxml")
    doc = load_jats(path, path.read_bytes())
    # Expected values from the folder's SOURCE.md, read from the article by hand.
    assert doc.meta.pmid == "23469300" and doc.meta.doi == "10.1371/journal.pntd.0002065"
    assert doc.meta.title.startswith("Serological Evidence of Rift Valley Fever Virus Circulation")
    assert doc.meta.year == 2013 and doc.meta.journal == "PLoS Neglected Tropical Diseases"
    assert doc.meta.authors[0] == "Fafetine J"
    assert doc.meta.licence and "Creative Commons Attribution" in doc.meta.licence
    assert ("Materials and Methods", "Laboratory tests") in {s.path for s in doc.sections}
    tables = [s for s in doc.sections if s.is_table]
    assert len({s.path for s in tables}) == 5 and all(s.path[-1].startswith("Table ") for s in tables)


@pytest.mark.shared_data
def test_every_shared_pmc_article_parses_with_doi_and_body() -> None:
    folder = shared_path("guideline_fulltext", "pmc_jats")
    for path in sorted(folder.glob("*.nxml")):
        doc = load_jats(path, path.read_bytes())
        assert doc.meta.doi and doc.meta.doi.startswith("10."), path.name
        assert doc.meta.pmid and doc.meta.pmid.isdigit(), path.name
        assert sum(len(s.text) for s in doc.sections) > 5000, path.name
        assert not any("References" in s.path for s in doc.sections), path.name


@pytest.mark.shared_data
def test_pmc_efetch_wrapper_with_one_article() -> None:
    path = shared_path("connectors", "ncbi_eutils_biopython", "xml", "efetch_pmc.xml")
    doc = load_jats(path, path.read_bytes())
    assert doc.meta.pmid == "34527728" and doc.meta.doi == "10.1183/23120541.50193-2021"
    assert doc.meta.extra["pmcid"] == "PMC8435807" and doc.meta.journal == "ERJ Open Research"
    assert "error in table 2" in doc.sections[0].text


@pytest.mark.parametrize(
    ("article_type", "kind"),
    [
        ("meta-analysis", SourceKind.SYSTEMATIC_REVIEW),
        ("review-article", SourceKind.REVIEW),
        ("practice-guideline", SourceKind.GUIDELINE),
        ("research-article", SourceKind.ARTICLE),
    ],
)
def test_article_type_sets_the_kind(article_type: str, kind: SourceKind) -> None:
    xml = _jats_article().replace('article-type="practice-guideline"', f'article-type="{article_type}"')
    xml = xml.replace("Anticoagulant dosing in atrial fibrillation", "Apixaban and renal function")
    doc = load_jats(Path("a.nxml"), xml.encode())
    assert doc.meta.extra["publication_types"] == [article_type]
    assert classify_kind(doc) is kind
