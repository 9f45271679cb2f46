"""Pick a loader by extension, then confirm or correct by sniffing the first bytes.

Loaders are imported lazily so a command that never meets a PDF never imports the PDF stack.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path

from medcite.errors import UnsupportedFormatError
from medcite.models import ParsedDocument

Loader = Callable[[Path, bytes], ParsedDocument]

# format -> "module:function"
_LOADERS: dict[str, str] = {
    "markdown": "medcite.ingest.loaders.markdown:load_markdown",
    "html": "medcite.ingest.loaders.html:load_html",
    "pdf": "medcite.ingest.loaders.pdf:load_pdf",
    "jats": "medcite.ingest.loaders.jats:load_jats",
    "pubmed": "medcite.ingest.loaders.pubmed:load_pubmed",
    "spl": "medcite.ingest.loaders.spl:load_spl",
}

_EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".xml": "xml",
    ".nxml": "jats",
}

_XML_ROOTS = [
    (re.compile(rb"<(PubmedArticleSet|PubmedArticle)\b"), "pubmed"),
    (re.compile(rb"<document\b[^>]*urn:hl7-org:v3"), "spl"),
    (re.compile(rb"<article\b"), "jats"),
]


def supported_extensions() -> list[str]:
    return sorted(_EXTENSIONS)


def detect_format(path: Path, head: bytes) -> str:
    """The format name for a file, from its extension and its first bytes."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt in ("xml", "jats", None):
        stripped = head.lstrip()
        if stripped.startswith(b"<"):
            for pattern, name in _XML_ROOTS:
                if pattern.search(head):
                    return name
            if re.search(rb"<html\b", head, re.IGNORECASE):
                return "html"
    if fmt is None or fmt == "xml":
        kinds = ", ".join(supported_extensions())
        raise UnsupportedFormatError(
            f"unsupported format ({path.suffix or 'no extension'}); MedCite reads {kinds} "
            "(XML must be JATS, PubMed or SPL)"
        )
    if fmt == "pdf":
        from medcite.errors import MalformedDocumentError

        raise MalformedDocumentError("named .pdf but is not a PDF (no %PDF- header)")
    return fmt


def loader_for(fmt: str) -> Loader:
    module_name, func_name = _LOADERS[fmt].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise UnsupportedFormatError(f"the {fmt} loader is not available: {exc}") from exc
    loader: Loader = getattr(module, func_name)
    return loader


def load_document(path: Path, data: bytes, fmt: str | None = None) -> ParsedDocument:
    fmt = fmt or detect_format(path, data[:4096])
    return loader_for(fmt)(path, data)
