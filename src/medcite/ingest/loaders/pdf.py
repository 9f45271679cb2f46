"""PDF documents: text with page numbers, headings from font size, ruled tables as rows.

pdfplumber (pdfminer.six underneath) gives characters with font sizes and positions, which is
what heading detection and table extraction need. Each page is read top to bottom (a page
with a clear two-column gutter is read left column first); lines repeated at the top or bottom
of most pages (running heads, page numbers) are dropped. Scanned PDFs without a text layer are
refused with a hint to OCR them first.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.sections import SectionBuilder
from medcite.models import ParsedDocument, SourceMeta

_EOF_WINDOW = 2048
# Word gaps relative to font size: the fixed 3 pt default glues words of tightly set PDFs together.
_TEXT_OPTIONS: dict[str, Any] = {"x_tolerance_ratio": 0.15}
_TABLE_CAPTION = re.compile(r"^(table|tab\.)\s*[\dIVX]+[.:]?\s", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_EDGE_NUMBER = re.compile(r"^(\d{1,4})\s|\s(\d{1,4})$")
_JUNK_TITLE = re.compile(r"^(microsoft word|untitled|document\d*$)|\.(docx?|pdf|indd|tex)$", re.IGNORECASE)
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    size: float
    bold: bool
    page_height: float


@dataclass
class _Table:
    top: float
    rows: list[list[str]]


def load_pdf(path: Path, data: bytes) -> ParsedDocument:
    check_pdf_container(data)
    # pdfminer logs every recoverable oddity (missing font boxes, ...) as a warning; the ingest
    # summary is the place for problems, so only its errors may reach the console.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise _pdf_error(exc) from exc
    try:
        pages = [_read_page_and_close(page) for page in pdf.pages]
        info: dict[str, Any] = dict(pdf.metadata or {})
    except Exception as exc:
        raise _pdf_error(exc) from exc
    finally:
        with contextlib.suppress(Exception):  # closing re-reads the page tree, which may be what broke
            pdf.close()
    if not any(lines or tables for lines, tables in pages):
        raise EmptyDocumentError(
            "the PDF has no text layer (a scanned image?); run OCR first, e.g. `ocrmypdf in.pdf out.pdf`"
        )
    _drop_running_lines(pages)
    body_size = _body_size(pages)
    heading_sizes = _heading_sizes(pages, body_size)
    builder = SectionBuilder()
    first_heading = _emit(pages, body_size, heading_sizes, builder)
    sections = builder.build()
    if not sections:
        raise EmptyDocumentError("no text found in the PDF")
    meta = _meta(info, first_heading, path, sections[0].text)
    return ParsedDocument(meta=meta, sections=sections, format="pdf")


def check_pdf_container(data: bytes) -> None:
    """Cheap structural checks with clear reasons, before any parser runs."""
    if not data.strip():
        raise EmptyDocumentError("the PDF file is empty")
    if b"%PDF-" not in data[:1024]:
        raise MalformedDocumentError("not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise MalformedDocumentError(
            "truncated PDF (no %%EOF marker at the end); the download or copy was cut short, get it again"
        )


def _pdf_error(exc: Exception) -> MalformedDocumentError:
    """Map pdfminer/pdfplumber exceptions to one clear line."""
    chain: list[BaseException] = [exc]
    while len(chain) < 6:
        cause = chain[-1].__cause__ or chain[-1].__context__
        if cause is None:
            break
        chain.append(cause)
    described = " ".join(f"{type(e).__name__} {e}" for e in chain).lower()
    if "password" in described or "encrypt" in described:
        return MalformedDocumentError(
            "encrypted PDF (needs a password to open); save an unencrypted copy and ingest that"
        )
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return MalformedDocumentError(f"corrupt PDF, cannot be parsed ({type(exc).__name__}: {detail[:200]})")


# --- reading one page ---------------------------------------------------------------------


_Page = tuple[list[_Line], list[_Table]]


def _read_page_and_close(page: Any) -> _Page:
    """Read one page, then free pdfplumber's per-page caches (long PDFs stay flat in memory)."""
    try:
        return _read_page(page)
    finally:
        page.close()


def _read_page(page: Any) -> _Page:
    tables = [t for t in page.find_tables() if t.bbox[2] - t.bbox[0] > 20]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    lines: list[_Line] = []
    for region in _columns(text_page):
        for raw in region.extract_text_lines(strip=True, return_chars=True, **_TEXT_OPTIONS):
            text = " ".join(raw["text"].split())
            chars = [c for c in raw["chars"] if c["text"].strip()]
            if not text or not chars:
                continue
            lines.append(
                _Line(
                    text=text,
                    top=float(raw["top"]),
                    bottom=float(raw["bottom"]),
                    size=round(statistics.median(float(c["size"]) for c in chars), 1),
                    bold=all("bold" in str(c.get("fontname", "")).lower() for c in chars),
                    page_height=float(page.height),
                )
            )
    page_tables = []
    for table in tables:
        rows = [
            [" ".join((cell or "").split()).replace("|", "/") for cell in row]
            for row in table.extract(**_TEXT_OPTIONS)
        ]
        rows = [r for r in rows if any(r)]
        if rows:
            page_tables.append(_Table(top=float(table.bbox[1]), rows=rows))
    return lines, page_tables


def _columns(page: Any) -> list[Any]:
    """Split a two-column page at an empty vertical gutter; otherwise the page itself."""
    words = page.extract_words()
    if len(words) < 40:
        return [page]
    width = float(page.width)
    x_start = float(page.bbox[0])
    for frac in [f / 100 for f in range(40, 61, 2)]:
        x = x_start + width * frac
        crossing = sum(1 for w in words if w["x0"] < x < w["x1"])
        left = sum(1 for w in words if w["x1"] <= x)
        right = sum(1 for w in words if w["x0"] >= x)
        if crossing <= len(words) * 0.02 and left > len(words) * 0.25 and right > len(words) * 0.25:
            top, bottom = float(page.bbox[1]), float(page.bbox[3])
            return [
                page.crop((x_start, top, x, bottom), strict=False),
                page.crop((x, top, float(page.bbox[2]), bottom), strict=False),
            ]
    return [page]


# --- whole-document passes ------------------------------------------------------------------


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers and running heads/feet near the top or bottom edge of pages.

    A running line is either repeated on many pages (digits ignored), or carries a number that
    moves in step with the page ("Chapter 2: Methods 7" on the 10th page, "... 8" on the 11th):
    the same page-minus-number offset on three or more pages marks a printed page number.
    """
    edge_counts: Counter[str] = Counter()
    offsets: Counter[int] = Counter()
    for index, (lines, _) in enumerate(pages):
        edge = [ln for ln in lines if _at_edge(ln)]
        edge_counts.update({_DIGITS.sub("#", ln.text.lower()) for ln in edge})
        offsets.update({index - n for ln in edge if (n := _page_number_in(ln.text)) is not None})
    needed = 3 if len(pages) >= 6 else max(len(pages), 2)
    repeated = {k for k, n in edge_counts.items() if n >= needed}
    page_offsets = {o for o, n in offsets.items() if n >= needed}
    for index, (lines, _) in enumerate(pages):
        lines[:] = [
            ln for ln in lines if not (_at_edge(ln) and _is_running(ln, index, repeated, page_offsets))
        ]


def _page_number_in(text: str) -> int | None:
    match = _EDGE_NUMBER.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def _is_running(line: _Line, index: int, repeated: set[str], page_offsets: set[int]) -> bool:
    if _PAGE_NUMBER.match(line.text) or _DIGITS.sub("#", line.text.lower()) in repeated:
        return True
    number = _page_number_in(line.text)
    return number is not None and index - number in page_offsets


def _at_edge(line: _Line) -> bool:
    return line.top < line.page_height * 0.08 or line.bottom > line.page_height * 0.92


def _body_size(pages: list[_Page]) -> float:
    weights: Counter[float] = Counter()
    for lines, _ in pages:
        for ln in lines:
            weights[ln.size] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _heading_sizes(pages: list[_Page], body: float) -> list[float]:
    sizes = {
        ln.size
        for lines, _ in pages
        for ln in lines
        if _looks_like_heading_text(ln.text) and ln.size >= body * 1.15
    }
    return sorted(sizes, reverse=True)[:4]


def _looks_like_heading_text(text: str) -> bool:
    return 2 <= len(text) <= 150 and any(ch.isalpha() for ch in text) and not text.endswith((",", ";"))


def _heading_level(line: _Line, body: float, sizes: list[float]) -> int | None:
    if not _looks_like_heading_text(line.text):
        return None
    if line.size in sizes:
        return sizes.index(line.size) + 1
    if line.bold and abs(line.size - body) < 0.6 and len(line.text) <= 100 and not line.text.endswith("."):
        return len(sizes) + 1
    return None


def _emit(pages: list[_Page], body: float, sizes: list[float], builder: SectionBuilder) -> str:
    """Walk pages in order; returns the first heading seen (a fallback title)."""
    emitter = _Emitter(builder, body, sizes)
    for number, (lines, tables) in enumerate(pages, start=1):
        emitter.page(number, _merge_tables(lines, tables))
    return emitter.first_heading


class _Emitter:
    """Turns positioned lines and tables into sections; the heading trail spans pages."""

    def __init__(self, builder: SectionBuilder, body: float, sizes: list[float]) -> None:
        self.builder = builder
        self.body = body
        self.sizes = sizes
        self.trail: list[tuple[int, str]] = []
        self.first_heading = ""
        self.paragraph: list[str] = []
        self.number = 0

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self.trail)

    def flush(self) -> None:
        text = " ".join(self.paragraph)
        self.paragraph = []
        self.builder.paragraph(self.path, _join_hyphens(text), page=self.number)

    def page(self, number: int, items: list[_Line | _Table]) -> None:
        self.number = number
        previous: _Line | None = None
        previous_heading = False
        for item in items:
            if isinstance(item, _Table):
                caption = ""
                if self.paragraph and _TABLE_CAPTION.match(self.paragraph[-1]):
                    caption = self.paragraph.pop()
                self.flush()
                # pdfplumber cannot tell header cells apart: the first row of a ruled table is taken.
                self.builder.table(self.path, item.rows, caption, page=number, header_rows=1)
                previous, previous_heading = None, False
                continue
            level = _heading_level(item, self.body, self.sizes)
            if level is not None:
                self.flush()
                wrapped = (
                    previous_heading
                    and previous is not None
                    and previous.size == item.size
                    and self.trail[-1][0] == level
                    and item.top - previous.bottom < item.size
                )
                self.heading(level, item.text, wrapped)
                previous, previous_heading = item, True
                continue
            if previous is not None and (
                item.top - previous.bottom > item.size * 0.7 or previous.size != item.size
            ):
                self.flush()
            self.paragraph.append(item.text)
            previous, previous_heading = item, False
        self.flush()

    def heading(self, level: int, text: str, wrapped: bool) -> None:
        if wrapped:  # a heading that wrapped onto a second line
            self.trail[-1] = (level, f"{self.trail[-1][1]} {text}")
            return
        while self.trail and self.trail[-1][0] >= level:
            self.trail.pop()
        self.trail.append((level, text))
        self.first_heading = self.first_heading or text


def _merge_tables(lines: list[_Line], tables: list[_Table]) -> list[_Line | _Table]:
    """Lines in reading order with each table inserted before the first line below it."""
    out: list[_Line | _Table] = []
    pending = sorted(tables, key=lambda t: t.top)
    for line in lines:
        while pending and pending[0].top <= line.top:
            out.append(pending.pop(0))
        out.append(line)
    out.extend(pending)
    return out


def _join_hyphens(text: str) -> str:
    """'anti- coagulant' from a line break back to 'anti-coagulant'."""
    return re.sub(r"(\w)- (?=[a-z])", r"\1-", text)


def _meta(info: dict[str, Any], first_heading: str, path: Path, opening: str) -> SourceMeta:
    def field(key: str) -> str:
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return " ".join(str(value or "").split())

    title = field("Title")
    if not title or _JUNK_TITLE.search(title):
        title = first_heading or path.stem.replace("_", " ").replace("-", " ")
    authors = [a.strip() for a in re.split(r";|, and | and ", field("Author")) if a.strip()]
    year_match = _YEAR.search(field("CreationDate").removeprefix("D:"))
    doi_match = _DOI.search(field("Subject")) or _DOI.search(opening[:3000])
    keywords = [k.strip() for k in re.split(r"[;,]", field("Keywords")) if k.strip()]
    extra: dict[str, Any] = {}
    if field("Subject"):
        extra["subject"] = field("Subject")
    return SourceMeta(
        title=title,
        authors=authors,
        year=int(year_match.group(1)) if year_match else None,
        doi=doi_match.group(1).rstrip(".,;)") if doi_match else None,
        keywords=keywords,
        extra=extra,
    )
