"""Shared helpers for loaders: strict text decoding and binary detection."""

from __future__ import annotations

from medcite.errors import EmptyDocumentError, MalformedDocumentError


def decode_text(data: bytes, what: str = "file") -> str:
    """Decode UTF-8 (with or without BOM); refuse binary or other encodings with a clear reason."""
    if not data.strip():
        raise EmptyDocumentError(f"the {what} is empty")
    if b"\x00" in data[:8192]:
        raise MalformedDocumentError(f"the {what} looks binary (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedDocumentError(
            f"the {what} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. `iconv -f latin1 -t utf-8`"
        ) from exc


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces and tabs, keep line structure, trim each line."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


def table_rows_to_text(rows: list[list[str]]) -> str:
    """Render table rows as pipe-delimited lines ("| Drug | Dose | Route |"), one row per line.

    Each row stays readable and citable on its own; the chunker never splits a row.
    """
    lines = []
    for row in rows:
        cells = [" ".join(c.split()) for c in row]
        if any(cells):
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
