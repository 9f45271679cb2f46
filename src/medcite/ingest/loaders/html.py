"""HTML pages and reports: main content only, headings as section paths, tables as rows.

trafilatura was tried first and measured on the 2.9 MB MMWR compilation: it kept 1 of 124
h2 headings and 1 of 86 tables, so it loses exactly the structure citations need. This loader
instead parses with lxml, picks the main content (<main>, role=main or a single <article>),
drops navigation and page furniture by tag, ARIA role, class/id and link density, and walks
the rest in reading order. Citation metadata comes from <meta> tags (Highwire citation_*,
Dublin Core, Open Graph) and <title>.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.sections import SectionBuilder
from medcite.ingest.loaders.tables import table_grid
from medcite.ingest.loaders.xmlsafe import text_content
from medcite.models import ParsedDocument, SourceMeta

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "math",
    "form", "button", "input", "select", "textarea", "nav", "aside", "img", "picture", "video", "audio",
    "map", "link", "meta", "head",
})  # fmt: skip
_PAGE_FURNITURE = frozenset({"header", "footer"})
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "dialog"})
_BOILERPLATE = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|navigation|menu|breadcrumbs?|footer|site-?header|masthead|sidebar|cookies?|"
    r"consent|share|sharing|social|advert|ads|advertisement|promo|skip-?link|subscribe|newsletter|"
    r"toolbar|pagination|pager|print-?only|sr-only|visually-hidden|modal|popup)(?:$|[-_ ])",
    re.IGNORECASE,
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "blockquote", "pre", "figure", "figcaption", "address", "hr", "details", "summary",
    "center", "fieldset", "body", "caption",
    *_HEADINGS,
})  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PARSE_HUGE_HINT = re.compile(r",? (?:try|use) XML_PARSE_HUGE(?: option)?")
_SENTENCE_END = re.compile(r"[.!?](\s|$)")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)")


def load_html(path: Path, data: bytes) -> ParsedDocument:
    text = _XML_DECLARATION.sub("", decode_html(data), count=1)  # XHTML: lxml refuses str + encoding
    parser = _parser()
    try:
        tree = etree.fromstring(text, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise MalformedDocumentError(f"cannot parse HTML: {exc}") from exc
    if tree is None:
        raise EmptyDocumentError("the HTML has no elements or text (only comments or a doctype?)")
    fatal = [e for e in parser.error_log if e.level_name == "FATAL"]
    if fatal:  # libxml2 stops at its safety limits (nesting depth, text size) and drops the rest
        message = _PARSE_HUGE_HINT.sub("", " ".join(fatal[0].message.split()))
        raise MalformedDocumentError(
            f"the HTML parser gave up at line {fatal[0].line} ({message}); the rest of the page would be lost"
        )
    meta = html_meta(tree)
    root = main_content(tree)
    clean_boilerplate(root)
    builder = SectionBuilder()
    walker = _Walker(builder)
    walker.walk(root)
    walker.flush()
    sections = builder.build()
    if not sections:
        raise EmptyDocumentError("no readable text in the HTML (after removing navigation and scripts)")
    if not meta.title:
        first_heading = next((s.path[0] for s in sections if s.path), None)
        meta.title = first_heading or path.stem.replace("_", " ").replace("-", " ")
    return ParsedDocument(meta=meta, sections=sections, format="html")


def _parser() -> etree.HTMLParser:
    """Plain lxml elements (not lxml.html's proxy classes, which cost a lookup per element)."""
    return etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def decode_html(data: bytes) -> str:
    """Decode by BOM, then declared charset, then UTF-8; refuse to guess anything else."""
    if not data.strip():
        raise EmptyDocumentError("the HTML file is empty")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise MalformedDocumentError("the file looks binary (contains NUL bytes), not HTML")
    head = data[:4096]
    declared = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            codec = codecs.lookup(name)
        except LookupError as exc:
            raise MalformedDocumentError(f"the HTML declares an unknown charset {name!r}") from exc
        if codec.name in ("iso8859-1", "latin-1", "ascii"):  # as browsers do (WHATWG): read as cp1252
            return data.decode("cp1252", errors="replace")
        if codec.name != "utf-8":
            return data.decode(codec.name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        state = "is not valid UTF-8" if declared else "is not UTF-8 and declares no charset"
        raise MalformedDocumentError(
            f"the HTML {state} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            'add <meta charset="..."> or convert it, e.g. `iconv -f windows-1252 -t utf-8`'
        ) from exc


# --- metadata -------------------------------------------------------------------------------


def html_meta(tree: etree._Element) -> SourceMeta:
    """Citation metadata from <meta> tags, first match wins per field."""
    tags: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or "").strip().lower()
        value = " ".join((el.get("content") or "").split())
        if key and value:
            tags.setdefault(key, []).append(value)

    def first(*keys: str) -> str | None:
        for key in keys:
            if tags.get(key):
                return tags[key][0]
        return None

    title_el = tree.find(".//title")
    page_title = text_content(title_el) if title_el is not None else ""
    title = first("citation_title", "dc.title", "og:title") or page_title
    authors = tags.get("citation_author") or tags.get("dc.creator") or tags.get("author") or []
    date = first("citation_publication_date", "citation_date", "citation_online_date", "dc.date",
                 "dc.date.issued", "article:published_time", "date")  # fmt: skip
    year_match = _YEAR.search(date or "")
    doi = first("citation_doi", "dc.identifier.doi", "prism.doi")
    if doi is None:
        identifier = first("dc.identifier") or ""
        doi_match = _DOI.search(identifier)
        doi = doi_match.group(1) if doi_match else None
    if doi:
        doi = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", doi, flags=re.IGNORECASE)
    canonical = tree.find(".//link[@rel='canonical']")
    licence_link = tree.find(".//link[@rel='license']") or tree.find(".//a[@rel='license']")
    keywords = [k.strip() for v in (tags.get("citation_keywords") or tags.get("keywords") or [])
                for k in re.split(r"[;,]", v) if k.strip()]  # fmt: skip
    extra: dict[str, object] = {}
    description = first("description", "dc.description", "og:description")
    if description:
        extra["description"] = description
    lang = tree.get("lang")
    if lang:
        extra["language"] = lang
    categories = tags.get("citation_article_type") or tags.get("citation_categories")
    if categories:
        extra["publication_types"] = categories
    return SourceMeta(
        title=title,
        authors=authors,
        journal=first("citation_journal_title", "prism.publicationname"),
        publisher=first("citation_publisher", "dc.publisher", "og:site_name"),
        year=int(year_match.group(1)) if year_match else None,
        pmid=first("citation_pmid"),
        doi=doi,
        url=first("citation_fulltext_html_url", "citation_abstract_html_url", "og:url")
        or (canonical.get("href") if canonical is not None else None),
        licence=first("dc.rights", "dcterms.license", "citation_license")
        or (licence_link.get("href") if licence_link is not None else None),
        keywords=keywords,
        extra=extra,
    )


# --- main content and boilerplate -----------------------------------------------------------


def main_content(tree: etree._Element) -> etree._Element:
    """The element holding the main content: <main>, role=main, a single <article>, else <body>."""
    for xpath in ("//main", "//*[@role='main']"):
        found = tree.xpath(xpath)
        if len(found) == 1:
            return found[0]
    articles = tree.xpath("//article[not(ancestor::article)]")
    if len(articles) == 1:
        return articles[0]
    body = tree.find("body")
    return body if body is not None else tree


def clean_boilerplate(root: etree._Element) -> None:
    """Remove scripts, navigation, page headers/footers, hidden and link-only blocks in place."""
    doomed: list[etree._Element] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el is root:
            continue
        name = el.tag.lower()
        if name in _DROP_TAGS or _is_hidden(el) or _is_furniture(el, name):
            doomed.append(el)
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if marker.strip() and _BOILERPLATE.search(marker) and name not in ("table", "tr", "td", "th"):
            doomed.append(el)
    for el in doomed:
        _remove(el)
    for el in list(root.iter("div", "section", "aside")):
        if el.getparent() is not None and _is_link_box(el):
            _remove(el)
    for el in list(root.iter("p", "div", "li", "ul", "ol")):
        if el.getparent() is not None and _is_link_list(el):
            _remove(el)


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in _DROP_ROLES:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_furniture(el: etree._Element, name: str) -> bool:
    """A page-level <header>/<footer> (not one inside the main content, an article or a section)."""
    if name not in _PAGE_FURNITURE:
        return False
    return not any(
        a.tag in ("article", "section", "main") or a.get("role") == "main" for a in el.iterancestors()
    )


def _short_text(el: etree._Element, limit: int) -> str | None:
    """The element's text if it is at most `limit` characters, else None (stops reading early)."""
    total = 0
    parts: list[str] = []
    for piece in el.itertext():
        total += len(piece)
        if total > limit * 4 and len(" ".join("".join(parts).split())) > limit:
            return None
        parts.append(piece)
    text = " ".join("".join(parts).split())
    return text if len(text) <= limit else None


def _is_link_list(el: etree._Element) -> bool:
    """Short blocks that are nearly all link text: 'Top of page', menus, share bars."""
    text = _short_text(el, 300)
    if not text or el.find(".//table") is not None:
        return False
    linked = sum(len(text_content(a)) for a in el.iter("a"))
    return linked / len(text) > 0.7


def _is_link_box(el: etree._Element) -> bool:
    """A small side box of labels and links ("Tables: Table 1, Table 2", "Related materials: PDF")."""
    text = _short_text(el, 79)
    if not text or _SENTENCE_END.search(text):
        return False
    if el.find(".//a[@href]") is None or el.find(".//table") is not None:
        return False
    return not any(h.tag in _HEADINGS for h in el.iter())


def _remove(el: etree._Element) -> None:
    """Drop an element but keep its tail text attached to the document."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


# --- reading-order walk ---------------------------------------------------------------------


class _Walker:
    """Walks blocks in order: inline text gathers into paragraphs, headings move the path.

    A heading's scope ends with the container it sits in when that container also held text
    after it: a boxed "Summary" must not swallow the report that follows the box. A container
    that holds only the heading (`<div><h2>Methods</h2></div>`) keeps it open.
    """

    def __init__(self, builder: SectionBuilder) -> None:
        self.builder = builder
        self.trail: list[tuple[int, str]] = []
        self.inline: list[str] = []
        self.emitted = 0  # paragraphs and tables so far
        self.emitted_at_heading = 0

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self.trail)

    def flush(self, prefix: str = "") -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        if text:
            self.builder.paragraph(self.path, prefix + text)
            self.emitted += 1

    def walk(self, el: etree._Element) -> None:
        if el.text:
            self.inline.append(el.text)
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif child.tag.lower() in _BLOCKS:
                self.flush()
                self.block(child)
            elif child.tag.lower() == "br":
                self.inline.append(" ")
            else:
                self.walk(child)  # inline element: its text joins the current paragraph
            if child.tail:
                self.inline.append(child.tail)

    def block(self, el: etree._Element) -> None:
        name = el.tag.lower()
        if name in _HEADINGS:
            self.heading(_HEADINGS[name], text_content(el))
        elif name == "table" and el.find(".//table") is None:
            self.table(el)
        elif name in ("li", "dt", "dd"):
            self.walk(el)
            self.flush(prefix="- " if name == "li" else "")
        elif name == "hr":
            return
        else:
            saved = list(self.trail)
            self.walk(el)
            self.flush()
            boxed = name not in ("header", "hgroup")  # a header's heading titles what follows it
            if boxed and self.trail != saved and self.emitted > self.emitted_at_heading:
                self.trail = saved

    def heading(self, level: int, title: str) -> None:
        if not title:
            return
        while self.trail and self.trail[-1][0] >= level:
            self.trail.pop()
        self.trail.append((level, title))
        self.emitted_at_heading = self.emitted

    def table(self, el: etree._Element) -> None:
        caption_el = el.find("caption")
        caption = text_content(caption_el) if caption_el is not None else ""
        rows, header_rows = table_grid(el)
        self.builder.table(self.path, rows, caption, header_rows=header_rows)
        self.emitted += 1
