"""Hostile and broken inputs for the XML, HTML and PDF loaders: one clear line each, the other
files still ingested, nothing half-stored."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from loader_support import ingest_single
from medcite.config import Settings, load_settings
from medcite.errors import MalformedDocumentError, UnsafeDocumentError
from medcite.ingest.loaders.xmlsafe import parse_xml
from medcite.ingest.pipeline import ingest_paths
from medcite.store import Store
from medcite.store.sources import list_sources
from medcite.store.tables import ChunkRow

GOOD = b"""<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>Good record</ArticleTitle><Abstract><AbstractText>Aspirin 75 mg daily.</AbstractText></Abstract>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>&lol9;</ArticleTitle>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<article><front><article-meta><title-group><article-title>&xxe;</article-title></title-group></article-meta></front>
<body><p>&xxe;</p></body></article>"""

MALFORMED = b"""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation>
<PMID>3</PMID><Article><ArticleTitle>Unclosed</Article>
</MedlineCitation></PubmedArticle></PubmedArticleSet>"""


def _chunks(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count(ChunkRow.id))) or 0)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bomb.xml", BILLION_LAUGHS, "declares XML entities"),
        ("xxe.nxml", EXTERNAL_ENTITY, "declares XML entities"),
        ("malformed.xml", MALFORMED, "malformed XML at line 3: Opening and ending tag mismatch"),
        ("empty.xml", b"", "empty"),
        ("empty.pdf", b"", "empty"),
        ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
        (
            "latin1.html",
            "<html><body><p>Caf\xe9 dose</p></body></html>".encode("latin-1"),
            "declares no charset",
        ),
        ("comment-only.html", b"<!-- nothing here -->", "no elements or text"),
        ("scripts-only.html", b"<html><body><script>var a = 1;</script></body></html>", "no readable text"),
        ("not-jats.nxml", b"<?xml version='1.0'?><root><p>hello</p></root>", "not a JATS article"),
        (
            "other.xml",
            b"<?xml version='1.0'?><catalog><item>x</item></catalog>",
            "XML must be JATS, PubMed or SPL",
        ),
        ("wrong-root.nxml", b"<?xml version='1.0'?><article><body/></article>", "article-meta"),
    ],
)
def test_bad_file_fails_alone_with_one_line_reason(
    store: Store, bm25_settings: Settings, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.xml"
    good.write_bytes(GOOD)
    report = ingest_paths([bad, good], store, bm25_settings, embedder=None)
    outcomes = {Path(o.path).name: o for o in report.outcomes}
    assert outcomes[name].status == "failed"
    assert reason.lower() in outcomes[name].reason.lower(), outcomes[name].reason
    assert "\n" not in outcomes[name].reason and "Traceback" not in outcomes[name].reason
    assert outcomes["good.xml"].status == "added"
    assert [s.title for s in list_sources(store)] == ["Good record"]
    assert _chunks(store) == outcomes["good.xml"].chunks


def test_entity_bomb_is_refused_without_expanding() -> None:
    with pytest.raises(UnsafeDocumentError) as caught:
        parse_xml(BILLION_LAUGHS)
    assert "lol" not in str(caught.value)


def test_undefined_entity_is_a_parse_error_not_a_lookup(tmp_path: Path) -> None:
    with pytest.raises(MalformedDocumentError, match="line 1"):
        parse_xml(b"<article>&nbsp;</article>")


def test_size_limit_applies_to_every_format(store: Store, data_dir: Path, tmp_path: Path) -> None:
    settings = load_settings(data_dir=data_dir, ingest={"embed": False, "max_file_mb": 0.01})
    big = tmp_path / "big.html"
    big.write_bytes(b"<html><body>" + b"<p>dose text</p>" * 2000 + b"</body></html>")
    small = tmp_path / "small.xml"
    small.write_bytes(GOOD)
    report = ingest_paths([big, small], store, settings, embedder=None)
    status = {Path(o.path).name: (o.status, o.reason) for o in report.outcomes}
    assert status["big.html"][0] == "failed" and "over the 0.01 MB limit" in status["big.html"][1]
    assert status["small.xml"][0] == "added"


def test_symlink_loop_beside_xml_and_html(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "record.xml").write_bytes(GOOD)
    (root / "sub" / "page.html").write_text("<html><body><h1>Page</h1><p>Check INR weekly.</p></body></html>")
    (root / "sub" / "loop").symlink_to(root)
    (root / "self").symlink_to(root / "self")
    report = ingest_paths([root], store, bm25_settings, embedder=None)
    assert sorted(Path(o.path).name for o in report.outcomes if o.status == "added") == [
        "page.html",
        "record.xml",
    ]
    failed = [o.reason for o in report.outcomes if o.status == "failed"]
    assert any("loop" in r for r in failed) and all("\n" not in r for r in failed)


def test_a_changed_file_that_turns_bad_keeps_the_stored_version(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "record.xml"
    path.write_bytes(GOOD)
    before = ingest_single(path, store, bm25_settings)
    path.write_bytes(MALFORMED)
    [outcome] = ingest_paths([path], store, bm25_settings, embedder=None).outcomes
    assert outcome.status == "failed"
    [summary] = list_sources(store)
    assert summary.id == before.id and summary.title == "Good record" and summary.chunks == len(before.chunks)
