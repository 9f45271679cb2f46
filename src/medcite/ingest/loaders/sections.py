"""Collect sections in reading order: prose under one heading path is merged into one
section (paragraphs separated by a blank line); each table becomes its own table section.

A long table is cut into blocks of rows that each start with the table's header rows, so a
chunk holding "| Nausea | 9% | 8% |" also says which columns those numbers belong to.
"""

from __future__ import annotations

from medcite.ingest.loaders.base import clean_whitespace, table_rows_to_text
from medcite.models import Section

_CAPTION_IN_PATH = 120
# Below the default chunk target (900 characters), so each block is one chunk.
TABLE_BLOCK_CHARS = 800


class SectionBuilder:
    """Accumulates paragraphs and tables; `build()` returns the sections."""

    def __init__(self) -> None:
        self._sections: list[Section] = []
        self._paragraphs: list[str] = []
        self._path: tuple[str, ...] = ()
        self._page: int | None = None

    def paragraph(self, path: tuple[str, ...], text: str, page: int | None = None) -> None:
        text = clean_whitespace(text)
        if not text:
            return
        if self._paragraphs and (path, page) != (self._path, self._page):
            self._flush()
        self._path, self._page = path, page
        self._paragraphs.append(text)

    def table(
        self,
        path: tuple[str, ...],
        rows: list[list[str]],
        caption: str = "",
        page: int | None = None,
        header_rows: int = 0,
    ) -> None:
        """A table under `path`; a caption becomes the last path element (and prose if long).

        `header_rows` leading rows are the column headings, repeated atop every block of a long table.
        """
        caption = " ".join(caption.split())
        if not table_rows_to_text(rows):
            if caption:
                self.paragraph(path, caption, page)
            return
        table_path = path
        if caption:
            short = caption if len(caption) <= _CAPTION_IN_PATH else caption[: _CAPTION_IN_PATH - 3] + "..."
            if short != caption:
                self.paragraph(path, caption, page)
            table_path = (*path, short)
        self._flush()
        for block in table_blocks(rows, header_rows):
            self._sections.append(Section(path=table_path, text=block, page=page, is_table=True))

    def _flush(self) -> None:
        if self._paragraphs:
            text = "\n\n".join(self._paragraphs)
            self._sections.append(Section(path=self._path, text=text, page=self._page))
        self._paragraphs = []

    def build(self) -> list[Section]:
        self._flush()
        return self._sections


def table_blocks(rows: list[list[str]], header_rows: int, limit: int = TABLE_BLOCK_CHARS) -> list[str]:
    """Rendered table text in blocks of whole rows, each starting with the header rows."""
    header_rows = header_rows if 0 < header_rows < len(rows) else 0
    header = table_rows_to_text(rows[:header_rows])
    lines = [line for line in (table_rows_to_text([row]) for row in rows[header_rows:]) if line]
    blocks: list[str] = []
    current: list[str] = []
    size = len(header)
    for line in lines:
        if current and size + 1 + len(line) > limit:
            blocks.append("\n".join([header, *current] if header else current))
            current, size = [], len(header)
        current.append(line)
        size += 1 + len(line)
    if current or not blocks:
        blocks.append("\n".join([header, *current] if header else current))
    return blocks
