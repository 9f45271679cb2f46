"""PubMed XML (a PubmedArticleSet from efetch or the PubMed export): abstracts with their
structured labels (BACKGROUND, METHODS, RESULTS, CONCLUSIONS) as sections.

One file is one source. A set with one article is that article, with its full citation. A set
with several articles is stored as one source whose top-level sections are the articles (path
"PMID 123: <article title> > Abstract > RESULTS"); per-article citations are kept in
`extra["articles"]`. Split a set into one file per record when each article should be a source.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.sections import SectionBuilder
from medcite.ingest.loaders.xmlsafe import localname, parse_xml, text_content
from medcite.models import ParsedDocument, SourceMeta

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def load_pubmed(path: Path, data: bytes) -> ParsedDocument:
    root = parse_xml(data, "PubMed XML")
    name = localname(root)
    if name in ("PubmedArticle", "PubmedBookArticle"):
        records = [root]
    elif name == "PubmedArticleSet":
        records = [r for r in root if localname(r) in ("PubmedArticle", "PubmedBookArticle")]
    else:
        raise MalformedDocumentError(f"not PubMed XML (root element is <{name}>)")
    if not records:
        raise EmptyDocumentError("the PubMed set holds no articles")
    metas = [record_meta(r) for r in records]
    builder = SectionBuilder()
    single = len(records) == 1
    for record, meta in zip(records, metas, strict=True):
        # In a set, each article's path names its PMID so a cited chunk points at its own record.
        prefix = () if single else (_article_label(meta),)
        _abstract_sections(record, meta, prefix, builder)
    sections = builder.build()
    if not sections:
        raise EmptyDocumentError("the PubMed records have no title or abstract text")
    if single:
        return ParsedDocument(meta=metas[0], sections=sections, format="pubmed")
    return ParsedDocument(meta=_set_meta(metas), sections=sections, format="pubmed")


def _article_label(meta: SourceMeta) -> str:
    if meta.pmid:
        return f"PMID {meta.pmid}: {meta.title}" if meta.title else f"PMID {meta.pmid}"
    return meta.title or "Untitled record"


def record_meta(record: etree._Element) -> SourceMeta:
    """Citation metadata of one PubmedArticle (or PubmedBookArticle)."""
    title = text_content(record.find(".//ArticleTitle")) or text_content(record.find(".//BookTitle"))
    pmid = text_content(record.find(".//PMID"))
    doi = None
    for eid in record.iterfind(".//ELocationID[@EIdType='doi']"):
        doi = text_content(eid) or None
    if doi is None:
        doi = text_content(record.find(".//ArticleIdList/ArticleId[@IdType='doi']")) or None
    pmcid = text_content(record.find(".//ArticleIdList/ArticleId[@IdType='pmc']"))
    authors = []
    for author in record.iterfind(".//AuthorList/Author"):
        collective = text_content(author.find("CollectiveName"))
        last = text_content(author.find("LastName"))
        initials = text_content(author.find("Initials"))
        if last:
            authors.append(f"{last} {initials}".strip())
        elif collective:
            authors.append(collective)
    journal = text_content(record.find(".//Journal/Title")) or None
    publication_types = [text_content(t) for t in record.iterfind(".//PublicationTypeList/PublicationType")]
    mesh = [text_content(m.find("DescriptorName")) for m in record.iterfind(".//MeshHeadingList/MeshHeading")]
    extra: dict[str, Any] = {"publication_types": [t for t in publication_types if t]}
    if mesh:
        extra["mesh"] = [m for m in mesh if m]
    if pmcid:
        extra["pmcid"] = pmcid
    language = text_content(record.find(".//Language"))
    if language:
        extra["language"] = language
    return SourceMeta(
        title=title.rstrip(".") if title.endswith(".") and not title.endswith("..") else title,
        authors=authors,
        journal=journal,
        year=_year(record),
        pmid=pmid or None,
        doi=doi,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None,
        keywords=[text_content(k) for k in record.iterfind(".//KeywordList/Keyword") if text_content(k)],
        extra=extra,
    )


def _year(record: etree._Element) -> int | None:
    for xpath in (".//JournalIssue/PubDate/Year", ".//JournalIssue/PubDate/MedlineDate",
                  ".//ArticleDate/Year", ".//Book/PubDate/Year", ".//PubDate/Year"):  # fmt: skip
        match = _YEAR.search(text_content(record.find(xpath)))
        if match:
            return int(match.group(1))
    return None


def _abstract_sections(
    record: etree._Element, meta: SourceMeta, prefix: tuple[str, ...], builder: SectionBuilder
) -> None:
    abstract = record.find(".//Abstract")
    texts = abstract.findall("AbstractText") if abstract is not None else []
    if not texts:
        # No abstract: the title is all there is to search; keep it so the record is findable.
        builder.paragraph((*prefix, "Title"), meta.title)
        return
    for part in texts:
        label = (part.get("Label") or "").strip()
        path = (*prefix, "Abstract", label) if label else (*prefix, "Abstract")
        builder.paragraph(path, text_content(part))
    copyright_note = text_content(abstract.find("CopyrightInformation")) if abstract is not None else ""
    if copyright_note:
        meta.licence = meta.licence or copyright_note


def _set_meta(metas: list[SourceMeta]) -> SourceMeta:
    """Metadata for a multi-article set: shared facts only, each article listed in `extra`."""
    first = metas[0]
    shared_types = set(first.extra.get("publication_types", []))
    for meta in metas[1:]:
        shared_types &= set(meta.extra.get("publication_types", []))
    years = [m.year for m in metas if m.year]
    articles = [
        {
            "pmid": m.pmid,
            "doi": m.doi,
            "title": m.title,
            "year": m.year,
            "journal": m.journal,
            "authors": m.authors,
        }
        for m in metas
    ]
    return SourceMeta(
        title=f"{first.title} (and {len(metas) - 1} more PubMed record{'s' if len(metas) > 2 else ''})",
        year=max(years) if years else None,
        extra={
            "publication_types": sorted(shared_types),
            "pmids": [m.pmid for m in metas if m.pmid],
            "articles": articles,
        },
    )
