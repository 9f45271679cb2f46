"""Section-aware chunking on sentence boundaries with exact character offsets.

Chunks never cross a section boundary (so each keeps one section path), grow sentence by
sentence to a target size, and never split a table row. Every chunk's text is the exact
span `document_text[char_start:char_end]`, so a citation can point at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medcite.models import ChunkDraft, Section
from medcite.text.sentences import sentence_spans

SECTION_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class ChunkedDocument:
    text: str
    chunks: list[ChunkDraft]


def chunk_sections(
    sections: Sequence[Section], target_chars: int = 900, max_chars: int = 1600
) -> ChunkedDocument:
    """Join sections into one document text and cut it into chunks."""
    parts: list[str] = []
    chunks: list[ChunkDraft] = []
    offset = 0
    for section in sections:
        body = section.text.strip()
        if not body:
            continue
        if parts:
            parts.append(SECTION_SEPARATOR)
            offset += len(SECTION_SEPARATOR)
        for start, end in _pack(_units(body, section.is_table, max_chars), target_chars):
            chunks.append(
                ChunkDraft(
                    ordinal=len(chunks),
                    section_path=section.path,
                    text=body[start:end],
                    char_start=offset + start,
                    char_end=offset + end,
                    page=section.page,
                    is_table=section.is_table,
                )
            )
        parts.append(body)
        offset += len(body)
    return ChunkedDocument(text="".join(parts), chunks=chunks)


def _units(body: str, is_table: bool, max_chars: int) -> list[tuple[int, int]]:
    """Indivisible spans: table rows for tables, sentences otherwise; over-long ones cut at spaces."""
    if is_table:
        spans = []
        pos = 0
        for line in body.split("\n"):
            if line.strip():
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
    else:
        spans = sentence_spans(body)
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > max_chars:
            cut = body.rfind(" ", start, start + max_chars)
            if cut <= start:
                cut = start + max_chars
            out.append((start, cut))
            start = cut
            while start < end and body[start].isspace():
                start += 1
        if end > start:
            out.append((start, end))
    return out


def _pack(units: list[tuple[int, int]], target_chars: int) -> list[tuple[int, int]]:
    """Greedily merge consecutive units while the chunk stays within the target size."""
    packed: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for start, end in units:
        if current is None:
            current = (start, end)
        elif end - current[0] <= target_chars:
            current = (current[0], end)
        else:
            packed.append(current)
            current = (start, end)
    if current is not None:
        packed.append(current)
    return packed
