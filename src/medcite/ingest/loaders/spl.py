"""FDA Structured Product Labeling (HL7 v3 SPL XML): prescription and OTC drug labels.

Sections follow the label's own nesting and titles ("2 DOSAGE AND ADMINISTRATION > 2.1 Adult
Patients"); an untitled top-level section is named from its LOINC code ("Boxed warning").
Product data elements and highlights excerpts are skipped: they repeat the full text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.sections import SectionBuilder
from medcite.ingest.loaders.tables import table_grid
from medcite.ingest.loaders.xmlsafe import localname, parse_xml, text_content
from medcite.models import ParsedDocument, SourceMeta

V3 = "urn:hl7-org:v3"
NS = {"v": V3}
_PRODUCT_DATA = "48780-1"
_UNCLASSIFIED = "42229-5"
_SKIP_IN_TEXT = frozenset({"renderMultiMedia", "observationMedia", "footnote"})
_BLOCKS = frozenset({"paragraph", "list", "table", "item", "caption"})


def load_spl(path: Path, data: bytes) -> ParsedDocument:
    root = parse_xml(data, "SPL drug label")
    if localname(root) != "document" or etree.QName(root).namespace != V3:
        raise MalformedDocumentError("not an SPL drug label (root is not an HL7 v3 <document>)")
    meta = spl_meta(root)
    builder = SectionBuilder()
    body = root.find("v:component/v:structuredBody", NS)
    if body is None:
        raise MalformedDocumentError("the SPL document has no <structuredBody>")
    for component in body.iterfind("v:component", NS):
        section = component.find("v:section", NS)
        if section is not None:
            _section(section, (), builder, top=True)
    sections = builder.build()
    if not sections:
        raise EmptyDocumentError("the SPL label has no section text")
    return ParsedDocument(meta=meta, sections=sections, format="spl")


def spl_meta(root: etree._Element) -> SourceMeta:
    """Products, labeller, set id, version and effective date (-> year)."""
    brands: list[str] = []
    generics: list[str] = []
    for product in root.iterfind(".//v:manufacturedProduct/v:manufacturedProduct", NS):
        brand = _tidy(text_content(product.find("v:name", NS)))
        generic = _tidy(text_content(product.find("v:asEntityWithGeneric/v:genericMedicine/v:name", NS)))
        if brand and brand.lower() not in (b.lower() for b in brands):
            brands.append(brand)
        if generic and generic.lower() not in (g.lower() for g in generics):
            generics.append(generic)
    code = root.find("v:code", NS)
    doc_type = (code.get("displayName") if code is not None else None) or "drug label"
    effective = _attribute(root, "v:effectiveTime", "value")
    set_id = _attribute(root, "v:setId", "root")
    version = _attribute(root, "v:versionNumber", "value")
    organisation = text_content(root.find("v:author/v:assignedEntity/v:representedOrganization/v:name", NS))
    spl_title = text_content(root.find("v:title", NS))
    extra: dict[str, Any] = {
        "document_type": doc_type,
        "product_names": brands + [g for g in generics if g.lower() not in (b.lower() for b in brands)],
    }
    if set_id:
        extra["set_id"] = set_id
    if version:
        extra["version"] = version
    if re.fullmatch(r"\d{8}.*", effective):
        extra["effective_date"] = f"{effective[:4]}-{effective[4:6]}-{effective[6:8]}"
    if spl_title:
        extra["spl_title"] = spl_title
    return SourceMeta(
        title=_title(brands, generics, doc_type, spl_title),
        organisation=organisation or None,
        publisher=organisation or None,
        year=int(effective[:4]) if effective[:4].isdigit() else None,
        url=f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={set_id}" if set_id else None,
        extra=extra,
    )


def _attribute(root: etree._Element, path: str, name: str) -> str:
    element = root.find(path, NS)
    return (element.get(name) or "").strip() if element is not None else ""


def _title(brands: list[str], generics: list[str], doc_type: str, spl_title: str) -> str:
    """'Humira (adalimumab): human prescription drug label' — readable and stable."""
    kind = doc_type.lower()
    if brands:
        generic = [g for g in generics if g.lower() not in (b.lower() for b in brands)]
        name = brands[0] + (f" ({_common_noun_case(generic[0])})" if generic else "")
        return f"{name}: {kind}"
    if spl_title:
        return spl_title
    return kind.capitalize()


def _common_noun_case(name: str) -> str:
    """'Diphenhydramine HCl' -> 'diphenhydramine HCl': generic names are common nouns, symbols stay."""
    words = []
    for word in name.split():
        plain = (word.isupper() and len(word) > 3) or (word[:1].isupper() and word[1:].islower())
        words.append(word.lower() if plain else word)
    return " ".join(words)


def _tidy(name: str) -> str:
    return " ".join(name.split()).strip()


def _section(section: etree._Element, path: tuple[str, ...], builder: SectionBuilder, top: bool) -> None:
    code = section.find("v:code", NS)
    loinc = code.get("code") if code is not None else None
    if loinc == _PRODUCT_DATA:
        return
    title = text_content(section.find("v:title", NS))
    if not title and top and loinc != _UNCLASSIFIED and code is not None and code.get("displayName"):
        title = _loinc_title(code.get("displayName") or "")
    here = (*path, title) if title else path
    text = section.find("v:text", NS)
    if text is not None:
        _Text(builder, here).walk(text)
    for component in section.iterfind("v:component", NS):
        child = component.find("v:section", NS)
        if child is not None:
            _section(child, here, builder, top=False)


def _loinc_title(display: str) -> str:
    """'BOXED WARNING SECTION' -> 'Boxed warning'; 'INDICATIONS & USAGE SECTION' -> 'Indications & usage'."""
    words = re.sub(r"\s+SECTION$", "", display.strip(), flags=re.IGNORECASE)
    words = re.sub(r"^SPL\s+", "", words, flags=re.IGNORECASE)
    return words.lower().capitalize()


class _Text:
    """Walks a section's <text>: paragraphs and list items emit prose, tables emit rows."""

    def __init__(self, builder: SectionBuilder, path: tuple[str, ...]) -> None:
        self.builder = builder
        self.path = path
        self.inline: list[str] = []

    def flush(self, prefix: str = "") -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        if text:
            self.builder.paragraph(self.path, prefix + text)

    def walk(self, el: etree._Element) -> None:
        if el.text:
            self.inline.append(el.text)
        for child in el:
            name = localname(child)
            if name in _SKIP_IN_TEXT:
                pass
            elif name == "table":
                self.flush()
                caption = text_content(child.find("v:caption", NS))
                rows, header_rows = table_grid(child)
                self.builder.table(self.path, rows, caption, header_rows=header_rows)
                # Cell footnotes are left out of the rows (they would break them); keep them as notes.
                for note in child.iter(f"{{{V3}}}footnote"):
                    self.builder.paragraph(self.path, "Note: " + text_content(note))
            elif name in _BLOCKS:
                self.flush()
                self.walk(child)
                self.flush(prefix="- " if name == "item" else "")
            elif name == "br":
                self.inline.append(" ")
            else:
                self.walk(child)
            if child.tail:
                self.inline.append(child.tail)
