"""Safe XML parsing shared by the JATS, PubMed and SPL loaders.

Documents come from users' folders, so XML is parsed as hostile: no DTD loading, no network,
no entity expansion, no huge-tree mode. A document that declares entities (the billion-laughs
and external-entity attacks both need `<!ENTITY`) is refused before the parser sees it.
"""

from __future__ import annotations

import re

from lxml import etree

from medcite.errors import EmptyDocumentError, MalformedDocumentError, UnsafeDocumentError

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\b", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Block-like elements whose text must not run into a neighbour's ("a" + "Values" -> "aValues").
_SPACED = frozenset({
    "p", "title", "label", "fn", "list-item", "item", "paragraph", "td", "th", "tr", "caption", "sec",
    "div", "li", "AbstractText", "table", "list", "def", "term", "suffix", "prefix",
})  # fmt: skip


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _prolog(data: bytes) -> bytes:
    """Everything before the root element: where a DTD's internal subset lives."""
    if data.startswith(_UTF16_BOMS):
        return data  # rare; scan it all (entity declarations are ASCII-compatible only in UTF-8)
    match = _FIRST_ELEMENT.search(data)
    return data[: match.start()] if match else data


def parse_xml(data: bytes, what: str = "XML document") -> etree._Element:
    """Parse untrusted XML bytes into a root element, or raise a one-line, actionable error."""
    if not data.strip():
        raise EmptyDocumentError(f"the {what} is empty")
    prolog = _prolog(data)
    if _ENTITY_DECLARATION.search(prolog) or (
        data.startswith(_UTF16_BOMS) and _ENTITY_DECLARATION.search(data.replace(b"\x00", b""))
    ):
        raise UnsafeDocumentError(
            f"the {what} declares XML entities (possible entity-expansion or external-entity attack); "
            "refused without expanding them"
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        message = (exc.msg or str(exc)).strip().rstrip(".")
        raise MalformedDocumentError(f"malformed XML{line}: {message}") from exc
    if root is None:
        raise EmptyDocumentError(f"the {what} has no root element")
    return root


def localname(element: etree._Element) -> str:
    """Tag name without namespace ('' for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def text_content(element: etree._Element | None, skip: frozenset[str] = frozenset()) -> str:
    """All text inside an element, whitespace collapsed; subtrees named in `skip` are left out."""
    if element is None:
        return ""
    parts: list[str] = []
    _collect(element, skip, parts)
    return " ".join("".join(parts).split())


def _collect(element: etree._Element, skip: frozenset[str], parts: list[str]) -> None:
    name = localname(element)
    if name in skip:
        return
    spaced = name == "br" or name in _SPACED
    if spaced:
        parts.append(" ")
    if element.text and isinstance(element.tag, str):
        parts.append(element.text)
    for child in element:
        _collect(child, skip, parts)
        if child.tail:
            parts.append(child.tail)
    if spaced:
        parts.append(" ")
