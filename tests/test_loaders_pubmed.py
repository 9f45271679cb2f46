from pathlib import Path

import pytest

from conftest import shared_path
from loader_support import ingest_single
from medcite.config import Settings
from medcite.ingest.classify import classify_kind
from medcite.ingest.loaders.pubmed import load_pubmed
from medcite.models import SourceKind
from medcite.store import Store

TRIAL = """<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN"
  "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">99000002</PMID>
<Article PubModel="Print">
 <Journal><JournalIssue><PubDate><MedlineDate>2019 Nov-Dec</MedlineDate></PubDate></JournalIssue>
  <Title>Journal of Test Trials</Title></Journal>
 <ArticleTitle>Reduced-dose apixaban after venous thromboembolism: a randomised trial.</ArticleTitle>
 <ELocationID EIdType="doi" ValidYN="Y">10.5555/medcite.trial.2</ELocationID>
 <Abstract>
  <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Extended anticoagulation prevents
  recurrence.</AbstractText>
  <AbstractText Label="METHODS" NlmCategory="METHODS">We randomly assigned 2,482 patients.</AbstractText>
  <AbstractText Label="RESULTS" NlmCategory="RESULTS">Recurrence was 1.7% with <i>2.5 mg</i>
  twice daily.</AbstractText>
  <AbstractText Label="CONCLUSIONS" NlmCategory="CONCLUSIONS">The reduced dose was effective.</AbstractText>
 </Abstract>
 <AuthorList><Author><LastName>Okafor</LastName><ForeName>Chidi</ForeName><Initials>C</Initials></Author>
  <Author><CollectiveName>VTE Trial Group</CollectiveName></Author></AuthorList>
 <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
  <PublicationType UI="D016449">Randomized Controlled Trial</PublicationType></PublicationTypeList>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""


def test_structured_abstract_labels_become_sections(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "trial.xml"
    path.write_text(TRIAL, encoding="utf-8")
    source = ingest_single(path, store, bm25_settings)
    assert source.kind == SourceKind.TRIAL.value
    assert source.title == "Reduced-dose apixaban after venous thromboembolism: a randomised trial"
    assert (source.pmid, source.doi, source.year) == ("99000002", "10.5555/medcite.trial.2", 2019)
    assert source.journal == "Journal of Test Trials"
    assert source.authors == ["Okafor C", "VTE Trial Group"]
    assert source.meta["publication_types"] == ["Journal Article", "Randomized Controlled Trial"]
    by_path = {tuple(c.section_path): c.text for c in source.chunks}
    assert by_path[("Abstract", "RESULTS")] == "Recurrence was 1.7% with 2.5 mg twice daily."
    assert list(by_path) == [
        ("Abstract", label) for label in ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
    ]


@pytest.mark.shared_data
def test_real_pubmed_record_with_observational_type() -> None:
    path = shared_path("connectors", "ncbi_eutils_biopython", "xml", "pubmed4.xml")
    doc = load_pubmed(path, path.read_bytes())
    assert doc.meta.pmid == "27797938" and doc.meta.doi == "10.1136/gutjnl-2016-312510"
    assert doc.meta.journal == "Gut" and doc.meta.year == 2017
    assert "Observational Study" in doc.meta.extra["publication_types"]
    assert classify_kind(doc) is SourceKind.COHORT
    assert [s.path for s in doc.sections] == [
        ("Abstract", "OBJECTIVE"),
        ("Abstract", "DESIGN"),
        ("Abstract", "RESULTS"),
        ("Abstract", "CONCLUSIONS"),
    ]


@pytest.mark.shared_data
def test_set_of_several_articles_is_one_source_with_an_article_per_section() -> None:
    path = shared_path("connectors", "ncbi_eutils_biopython", "xml", "pubmed1.xml")
    doc = load_pubmed(path, path.read_bytes())
    assert doc.meta.extra["pmids"] == ["12091962", "9997"]
    assert doc.meta.pmid is None  # a set has no single PMID to cite
    titles = [s.path[0] for s in doc.sections]
    assert titles[0] == "PMID 12091962: The treatment of AIDS behind the walls of correctional facilities"
    assert titles[1].startswith("PMID 9997: Magnetic studies of Chromatium flavocytochrome C552")
    assert doc.sections[0].path[-1] == "Title"  # no abstract: the title is indexed instead
    assert doc.sections[1].path[-1] == "Abstract"
