"""Helpers shared by the loader tests: a small dosing table and the citation round-trip check."""

from __future__ import annotations

from pathlib import Path

from medcite.config import Settings
from medcite.ingest.pipeline import ingest_paths
from medcite.store import Store
from medcite.store.sources import get_source
from medcite.store.tables import SourceRow

DOSE_HEADER = ["Drug", "Dose", "Route", "Frequency", "Adjustment"]
DOSE_ROWS = [
    ["Apixaban", "2.5 mg", "PO", "twice daily", "if 2 of: age 80 y or more, weight 60 kg or less"],
    ["Rivaroxaban", "15 mg", "PO", "once daily", "CrCl 15-50 mL/min"],
    ["Dabigatran", "110 mg", "PO", "twice daily", "age 80 y or more"],
]
APIXABAN_ROW = "| Apixaban | 2.5 mg | PO | twice daily | if 2 of: age 80 y or more, weight 60 kg or less |"
HEADER_ROW = "| Drug | Dose | Route | Frequency | Adjustment |"


def ingest_single(path: Path, store: Store, settings: Settings) -> SourceRow:
    """Ingest one file that must succeed; return its stored source with chunks."""
    report = ingest_paths([path], store, settings, embedder=None)
    [outcome] = report.outcomes
    assert outcome.status == "added", outcome.reason
    assert outcome.source_id is not None
    return get_source(store, outcome.source_id)


def assert_row_is_citable(source: SourceRow, row: str) -> None:
    """The row is one line of a table chunk, and that line is an exact span of the source text."""
    holders = [c for c in source.chunks if row in c.text.splitlines()]
    assert holders, f"no chunk has the row {row!r} as a line"
    chunk = holders[0]
    assert chunk.is_table
    assert source.text[chunk.char_start : chunk.char_end] == chunk.text
    start = chunk.char_start + chunk.text.index(row)
    assert source.text[start : start + len(row)] == row
    for c in source.chunks:
        assert source.text[c.char_start : c.char_end] == c.text
