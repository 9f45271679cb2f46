"""PMC articles in JATS XML (.nxml): citation metadata from <front>, nested <sec> titles as
section paths, the abstract(s), tables with their captions as rows, figure captions as prose.

Reference lists, footnote groups, formulas' TeX and graphics are left out: they add noise to
search without adding citable statements.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.sections import SectionBuilder
from medcite.ingest.loaders.tables import table_grid
from medcite.ingest.loaders.xmlsafe import localname, parse_xml, text_content
from medcite.models import ParsedDocument, SourceMeta

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_NOISE = frozenset({"tex-math", "graphic", "inline-graphic", "media", "alternatives-graphic", "annotation"})
_SKIP_BLOCKS = frozenset({"ref-list", "fn-group", "glossary", "notes", "graphic", "media", "disp-formula",
                          "supplementary-material", "object-id", "label", "title"})  # fmt: skip
_DEFAULT_TITLES = {"ack": "Acknowledgments", "app": "Appendix", "app-group": "Appendices", "sec": "Section"}
_PUB_DATE_PREFERENCE = ("epub", "ppub", "pub", "collection", "epub-ppub")


def load_jats(path: Path, data: bytes) -> ParsedDocument:
    root = parse_xml(data, "JATS article")
    if localname(root) == "pmc-articleset":  # what PMC efetch returns: a wrapper around articles
        articles = [a for a in root if localname(a) == "article"]
        if len(articles) != 1:
            raise MalformedDocumentError(
                f"the PMC article set holds {len(articles)} articles; save one article per file"
            )
        root = articles[0]
    if localname(root) != "article":
        raise MalformedDocumentError(f"not a JATS article (root element is <{localname(root)}>)")
    meta = jats_meta(root)
    builder = SectionBuilder()
    for abstract in root.findall("front/article-meta/abstract"):
        _abstract(abstract, builder)
    body = root.find("body")
    if body is not None:
        _Body(builder).walk(body, ())
    back = root.find("back")
    if back is not None:
        walker = _Body(builder)
        for child in back:
            if localname(child) in ("ack", "app-group", "app", "sec"):
                walker.walk(child, (), titled=True)
    sections = builder.build()
    if not sections:
        raise EmptyDocumentError("the JATS article has no abstract or body text")
    if not meta.title:
        meta.title = path.stem
    return ParsedDocument(meta=meta, sections=sections, format="jats")


def jats_meta(root: etree._Element) -> SourceMeta:
    """Title, authors, journal, year, identifiers and licence from <front>."""
    front = root.find("front")
    article_meta = front.find("article-meta") if front is not None else None
    journal_meta = front.find("journal-meta") if front is not None else None
    if article_meta is None:
        raise MalformedDocumentError("the JATS article has no <front>/<article-meta>")
    ids = {el.get("pub-id-type"): (el.text or "").strip() for el in article_meta.findall("article-id")}
    authors = []
    for contrib in article_meta.iterfind("contrib-group/contrib"):
        if contrib.get("contrib-type", "author") != "author":
            continue
        name = contrib.find("name")
        collab = contrib.find("collab")
        if name is not None:
            authors.append(_vancouver(name))
        elif collab is not None:
            authors.append(text_content(collab))
    journal = None
    publisher = None
    if journal_meta is not None:
        journal = text_content(journal_meta.find(".//journal-title")) or None
        if journal is None:
            nlm = journal_meta.find("journal-id[@journal-id-type='nlm-ta']")
            journal = text_content(nlm) or None
        publisher = text_content(journal_meta.find("publisher/publisher-name")) or None
    extra: dict[str, object] = {}
    if ids.get("pmc"):
        extra["pmcid"] = "PMC" + ids["pmc"].removeprefix("PMC")
    types = [root.get("article-type", "")]
    types += [
        text_content(s)
        for s in article_meta.iterfind("article-categories/subj-group[@subj-group-type='heading']/subject")
    ]
    types = [t for t in dict.fromkeys(types) if t]
    if types:
        extra["publication_types"] = types
    volume = text_content(article_meta.find("volume"))
    if volume:
        extra["volume"] = volume
    return SourceMeta(
        title=text_content(article_meta.find("title-group/article-title")),
        authors=authors,
        journal=journal,
        publisher=publisher,
        year=_year(article_meta),
        pmid=ids.get("pmid") or None,
        doi=ids.get("doi") or None,
        url=f"https://doi.org/{ids['doi']}" if ids.get("doi") else None,
        licence=_licence(article_meta),
        keywords=[text_content(k) for k in article_meta.iterfind("kwd-group/kwd") if text_content(k)],
        extra=extra,
    )


def _vancouver(name: etree._Element) -> str:
    """'Fafetine J', 'Thompson PN': the form reference lists use."""
    surname = text_content(name.find("surname"))
    given = text_content(name.find("given-names"))
    initials = "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part)
    return f"{surname} {initials}".strip()


def _year(article_meta: etree._Element) -> int | None:
    dates = {d.get("pub-type") or d.get("date-type") or "": d for d in article_meta.findall("pub-date")}
    for kind in (*_PUB_DATE_PREFERENCE, *dates):
        date = dates.get(kind)
        year = text_content(date.find("year")) if date is not None else ""
        if year.isdigit():
            return int(year)
    return None


def _licence(article_meta: etree._Element) -> str | None:
    licence = article_meta.find("permissions/license")
    if licence is not None:
        href = licence.get(XLINK_HREF) or licence.get("license-type")
        if href:
            return str(href).strip()
        text = text_content(licence)
        if text:
            return text if len(text) <= 300 else text[:297] + "..."
    statement = text_content(article_meta.find("permissions/copyright-statement"))
    return statement or None


def _abstract(abstract: etree._Element, builder: SectionBuilder) -> None:
    title = text_content(abstract.find("title"))
    if not title:
        kind = abstract.get("abstract-type")
        title = f"{kind.replace('-', ' ').capitalize()}" if kind else "Abstract"
    _Body(builder).walk(abstract, (title,))


class _Body:
    """Walks <sec> nesting: titles extend the path; paragraphs, lists, tables and figures emit."""

    def __init__(self, builder: SectionBuilder) -> None:
        self.builder = builder

    def walk(self, el: etree._Element, path: tuple[str, ...], titled: bool = False) -> None:
        if titled:
            title = _section_title(el) or _DEFAULT_TITLES.get(localname(el), localname(el).capitalize())
            path = (*path, title)
        for child in el:
            name = localname(child)
            if name in ("sec", "app", "ack", "boxed-text"):
                title = _section_title(child)
                self.walk(child, (*path, title) if title else path)
            elif name in ("p", "disp-quote", "statement", "def-list", "verse-group", "speech"):
                self.paragraph(child, path)
            elif name == "list":
                self.list(child, path)
            elif name == "table-wrap":
                self.table(child, path)
            elif name == "table-wrap-group":
                for wrap in child.iter("table-wrap"):
                    self.table(wrap, path)
            elif name in ("fig", "fig-group"):
                for fig in [child] if name == "fig" else child.iterfind("fig"):
                    caption = _caption(fig)
                    if caption:
                        self.builder.paragraph(path, caption)
            elif name in _SKIP_BLOCKS or name in ("abstract", "trans-abstract"):
                continue
            elif len(child):
                self.walk(child, path)

    def paragraph(self, el: etree._Element, path: tuple[str, ...]) -> None:
        """A <p> may hold block children (lists, tables): emit them in order around the text."""
        blocks = [c for c in el if localname(c) in ("list", "table-wrap", "fig", "disp-formula")]
        if not blocks:
            self.builder.paragraph(path, text_content(el, _NOISE))
            return
        parts = [el.text or ""]
        for child in el:
            if localname(child) in ("list", "table-wrap", "fig", "disp-formula"):
                self.builder.paragraph(path, " ".join("".join(parts).split()))
                parts = []
                if localname(child) == "list":
                    self.list(child, path)
                elif localname(child) == "table-wrap":
                    self.table(child, path)
                elif localname(child) == "fig":
                    self.builder.paragraph(path, _caption(child))
            else:
                parts.append(text_content(child, _NOISE))
            parts.append(child.tail or "")
        self.builder.paragraph(path, " ".join("".join(parts).split()))

    def list(self, el: etree._Element, path: tuple[str, ...]) -> None:
        for item in el.iterfind("list-item"):
            nested = item.findall("list")
            text = text_content(item, _NOISE | {"list"})
            if text:
                self.builder.paragraph(path, "- " + text)
            for sub in nested:
                self.list(sub, path)

    def table(self, wrap: etree._Element, path: tuple[str, ...]) -> None:
        caption = _caption(wrap)
        tables = list(wrap.iter("table"))
        if not tables:
            self.builder.paragraph(path, caption)
            return
        for table in tables:
            rows, header_rows = table_grid(table)
            self.builder.table(path, rows, caption, header_rows=header_rows)
        foot = text_content(wrap.find("table-wrap-foot"), _NOISE)
        if foot:
            self.builder.paragraph(path, foot)


def _section_title(el: etree._Element) -> str:
    label = text_content(el.find("label"))
    title = text_content(el.find("title"), _NOISE)
    return f"{label} {title}".strip() if label and title and not title.startswith(label) else title or label


def _caption(el: etree._Element) -> str:
    label = text_content(el.find("label"))
    caption = text_content(el.find("caption"), _NOISE)
    if label and caption:
        return f"{label.rstrip('.: ')}. {caption}"
    return caption or label
