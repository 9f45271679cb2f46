"""Turn HTML-model tables (HTML, JATS, SPL all use tr/th/td) into rows of cell text.

Row spans are repeated down so every row reads on its own when cited ("| Apixaban | 2.5 mg |
..."); column spans keep their text once, so a full-width group label stays one cell.
"""

from __future__ import annotations

from lxml import etree

from medcite.ingest.loaders.xmlsafe import localname, text_content

_ROW_GROUPS = ("thead", "tbody", "tfoot")
_CELL_NOISE = frozenset({"script", "style", "img", "graphic", "renderMultiMedia", "footnote"})
_MAX_SPAN = 50


def table_rows(table: etree._Element) -> list[list[str]]:
    """Rows of cell text in reading order (header rows first), spans resolved."""
    return table_grid(table)[0]


def table_grid(table: etree._Element) -> tuple[list[list[str]], int]:
    """(rows, number of header rows): rows from <thead>, then leading rows made only of <th>."""
    grid: list[list[str]] = []
    header_count = 0
    in_header = True
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    for tr, from_head in _row_elements(table):
        row: list[str] = []
        col = 0
        cells = [c for c in tr if localname(c) in ("td", "th")]
        for cell in cells:
            col = _fill_pending(row, col, pending)
            text = cell_text(cell)
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            for i in range(colspan):
                row.append(text if i == 0 else "")
                if rowspan > 1:
                    pending[col] = (text if i == 0 else "", rowspan - 1)
                col += 1
        _fill_pending(row, col, pending, to_end=True)
        while row and not row[-1]:
            row.pop()
        if any(row):
            grid.append(row)
            in_header = in_header and (from_head or all(localname(c) == "th" for c in cells))
            header_count += in_header
    return grid, header_count


def cell_text(cell: etree._Element) -> str:
    """Cell text on one line; a literal pipe would break the row format, so it becomes '/'."""
    return text_content(cell, _CELL_NOISE).replace("|", "/")


def _row_elements(table: etree._Element) -> list[tuple[etree._Element, bool]]:
    """(tr, comes from <thead>) in reading order: thead, body rows, tfoot."""
    groups: dict[str, list[etree._Element]] = {"thead": [], "tbody": [], "tfoot": []}
    for child in table:
        name = localname(child)
        if name == "tr":
            groups["tbody"].append(child)
        elif name in _ROW_GROUPS:
            groups[name].extend(tr for tr in child if localname(tr) == "tr")
    return [(tr, name == "thead") for name in _ROW_GROUPS for tr in groups[name]]


def _fill_pending(row: list[str], col: int, pending: dict[int, tuple[str, int]], to_end: bool = False) -> int:
    """Insert cells carried down by earlier row spans at the current column (or all remaining)."""
    while col in pending or (to_end and any(c >= col for c in pending)):
        if col not in pending:
            row.append("")
            col += 1
            continue
        text, left = pending[col]
        row.append(text)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (text, left - 1)
        col += 1
    return col


def _span(value: str | None) -> int:
    try:
        span = int(value or 1)
    except ValueError:
        return 1
    return min(max(span, 1), _MAX_SPAN)
