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
from medcite.errors import MalformedDocumentError
from medcite.ingest.loaders.html import load_html
from medcite.models import SourceKind
from medcite.store import Store


def _dose_page() -> str:
    head = "".join(f"<th>{c}</th>" for c in DOSE_HEADER)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in DOSE_ROWS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Site name | AF page</title>
<meta name="citation_title" content="Anticoagulation in atrial fibrillation: practice guideline">
<meta name="citation_author" content="Rivera, Ana"><meta name="citation_author" content="Okafor, Chidi">
<meta name="citation_publication_date" content="2023/05/14">
<meta name="citation_doi" content="10.5555/medcite.af.2023">
<meta name="citation_journal_title" content="Journal of Test Cardiology">
<meta name="DC.rights" content="CC BY 4.0">
<meta name="keywords" content="atrial fibrillation, anticoagulation">
<script>var tracking = "SCRIPT-NOISE";</script><style>.x {{}}</style>
</head><body>
<header><a href="/">Home</a> <a href="/about">About</a> SITE-HEADER-NOISE</header>
<nav><ul><li><a href="/a">Menu A</a></li><li><a href="/b">NAV-NOISE</a></li></ul></nav>
<main>
<h1>Anticoagulation in atrial fibrillation</h1>
<p>Oral anticoagulation prevents stroke in atrial fibrillation.</p>
<h2>Recommendations</h2>
<p>Offer a direct oral anticoagulant to patients with a
CHA<sub>2</sub>DS<sub>2</sub>-VASc score of 2 or more.</p>
<h3>Dose reduction</h3>
<table><caption>Table 2. Reduced doses of direct oral anticoagulants</caption>
<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<ul><li>Check renal function at least once a year.</li><li>Review bleeding risk at each visit.</li></ul>
<div class="share-bar"><a href="#">Share</a> SHARE-NOISE</div>
<p class="text-right">[ <a href="#">Top of page</a> ]</p>
</main>
<footer>Copyright FOOTER-NOISE</footer>
</body></html>"""


def test_html_dose_table_round_trip(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    page = tmp_path / "af.html"
    page.write_text(_dose_page(), encoding="utf-8")
    source = ingest_single(page, store, bm25_settings)
    assert_row_is_citable(source, APIXABAN_ROW)
    table = next(c for c in source.chunks if c.is_table)
    assert table.text.splitlines()[0] == HEADER_ROW
    assert table.section_path == [
        "Anticoagulation in atrial fibrillation",
        "Recommendations",
        "Dose reduction",
        "Table 2. Reduced doses of direct oral anticoagulants",
    ]
    assert source.title == "Anticoagulation in atrial fibrillation: practice guideline"
    assert source.kind == SourceKind.GUIDELINE.value
    assert source.year == 2023 and source.doi == "10.5555/medcite.af.2023"
    assert source.authors == ["Rivera, Ana", "Okafor, Chidi"]
    assert source.journal == "Journal of Test Cardiology" and source.licence == "CC BY 4.0"
    assert source.meta["keywords"] == ["atrial fibrillation", "anticoagulation"]
    for noise in (
        "SCRIPT-NOISE",
        "SITE-HEADER-NOISE",
        "NAV-NOISE",
        "SHARE-NOISE",
        "FOOTER-NOISE",
        "Top of page",
    ):
        assert noise not in source.text
    assert "- Check renal function at least once a year." in source.text
    assert "CHA2DS2-VASc" in source.text


def test_heading_inside_a_box_does_not_swallow_following_text() -> None:
    html = b"""<html><body><article><h1>Report</h1>
    <div class="box"><h3>Summary</h3><p>What is known: a short summary.</p></div>
    <div><p>The main text of the report follows the box.</p></div>
    <div><h2>Discussion</h2></div><p>Discussion text under its wrapped heading.</p>
    </article></body></html>"""
    doc = load_html(Path("r.html"), html)
    paths = {s.text: s.path for s in doc.sections}
    assert paths["What is known: a short summary."] == ("Report", "Summary")
    assert paths["The main text of the report follows the box."] == ("Report",)
    assert paths["Discussion text under its wrapped heading."] == ("Report", "Discussion")


def test_declared_charset_is_honoured_and_undeclared_non_utf8_is_refused() -> None:
    body = "<html><head>{}</head><body><p>Caf\xe9 au lait spots: check NF1.</p></body></html>"
    declared = body.format('<meta charset="windows-1252">').encode("cp1252")
    assert "Café au lait" in load_html(Path("a.html"), declared).sections[0].text
    latin1_label = "<meta charset='ISO-8859-1'><p>Dose \u2013 5 mg</p>".encode("cp1252")
    assert load_html(Path("c.html"), latin1_label).sections[0].text == "Dose \u2013 5 mg"  # read as cp1252
    with pytest.raises(MalformedDocumentError, match="declares no charset"):
        load_html(Path("b.html"), body.format("").encode("cp1252"))


@pytest.mark.shared_data
def test_mmwr_compilation_keeps_reports_headings_and_tables() -> None:
    path = shared_path("guideline_fulltext", "mmwr_html", "mmwr-selectees-compiled.html")
    doc = load_html(path, path.read_bytes())
    reports = {s.path[0] for s in doc.sections if s.path and s.path[0].endswith("]")}
    assert len(reports) == 56  # SOURCE.md: 56 full reports, each an <h1> ending "[mmYYxxxx]"
    tables = [s for s in doc.sections if s.is_table]
    assert len({s.path for s in tables}) == 86  # every <table> in the file (long ones span blocks)
    opioid = "Opioid Prescribing Rates in Nonmetropolitan and Metropolitan Counties"
    table2 = next(s for s in tables if s.path[0].startswith(opioid) and s.path[-1].startswith("TABLE 2."))
    assert "| Noncore | 6.4 (2.1 to 10.8)¶ |" in table2.text
    discussion = next(s for s in doc.sections if s.path[0].startswith(opioid) and s.path[-1] == "Discussion")
    assert "Top of page" not in discussion.text
    intro = next(s for s in doc.sections if "Drug overdose is the leading cause" in s.text)
    assert intro.path[0].startswith(opioid) and "Summary" not in intro.path


def test_xhtml_with_xml_declaration_and_side_boxes() -> None:
    xhtml = b"""\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Sepsis bundle</title></head>
<body><h1>Sepsis bundle</h1>
<div class="card"><div class="card-header">Tables</div><p><a href="#t1">Table 1</a></p></div>
<p>Give antibiotics within one hour of recognition.</p></body></html>"""
    doc = load_html(Path("sepsis.xhtml"), xhtml)
    assert doc.meta.title == "Sepsis bundle"
    assert [(s.path, s.text) for s in doc.sections] == [
        (("Sepsis bundle",), "Give antibiotics within one hour of recognition.")
    ]


def test_text_without_tags_is_read() -> None:
    doc = load_html(Path("plain.html"), b"Take 500 mg every 8 hours.")
    assert [(s.path, s.text) for s in doc.sections] == [((), "Take 500 mg every 8 hours.")]


def test_html_beyond_parser_limits_is_refused_not_truncated() -> None:
    deep = b"<html><body>" + b"<div>" * 400 + b"deep text" + b"</div>" * 400 + b"<p>after</p></body></html>"
    with pytest.raises(MalformedDocumentError, match=r"parser gave up at line 1 \(Excessive depth"):
        load_html(Path("deep.html"), deep)


def test_header_inside_main_content_is_kept() -> None:
    html = b"""<html><body><header>SITE BANNER</header>
    <main><header><h1>Hypertension in pregnancy</h1><p>Guideline committee, 2024</p></header>
    <p>Treat blood pressure at or above 140/90 mmHg.</p></main><footer>SITE FOOTER</footer></body></html>"""
    doc = load_html(Path("htn.html"), html)
    assert [(s.path, s.text) for s in doc.sections] == [
        (
            ("Hypertension in pregnancy",),
            "Guideline committee, 2024\n\nTreat blood pressure at or above 140/90 mmHg.",
        )
    ]
