"""Collect sections in reading order: prose under one heading path is merged into one
section (paragraphs separated by a blank line); each table becomes its own table section."""

from __future__ import annotations

from medcite.ingest.loaders.base import clean_whitespace, table_rows_to_text
from medcite.models import Section

_CAPTION_IN_PATH = 120


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
        self, path: tuple[str, ...], rows: list[list[str]], caption: str = "", page: int | None = None
    ) -> None:
        """A table under `path`; a caption becomes the last path element (and prose if long)."""
        caption = " ".join(caption.split())
        body = table_rows_to_text(rows)
        if not body:
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
        self._sections.append(Section(path=table_path, text=body, page=page, is_table=True))

    def _flush(self) -> None:
        if self._paragraphs:
            text = "\n\n".join(self._paragraphs)
            self._sections.append(Section(path=self._path, text=text, page=self._page))
        self._paragraphs = []

    def build(self) -> list[Section]:
        self._flush()
        return self._sections
