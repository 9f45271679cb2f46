"""Table rows shared by the HTML, JATS and SPL loaders: spans, headers, long tables."""

from pathlib import Path

from lxml import etree

from loader_support import ingest_single
from medcite.config import Settings
from medcite.ingest.loaders.sections import TABLE_BLOCK_CHARS, table_blocks
from medcite.ingest.loaders.tables import table_grid
from medcite.store import Store


def test_spans_repeat_down_and_keep_column_text_once() -> None:
    table = etree.fromstring(
        """<table><thead><tr><th rowspan="2">Drug</th><th colspan="2">Dose</th></tr>
        <tr><th>Adult</th><th>Child</th></tr></thead>
        <tbody><tr><td rowspan="2">Amoxicillin</td><td>500 mg | 8-hourly</td><td>25 mg/kg</td></tr>
        <tr><td>1 g</td><td>-</td></tr>
        <tr><td colspan="3">Penicillin allergy: use doxycycline</td></tr></tbody></table>"""
    )
    rows, header_rows = table_grid(table)
    assert header_rows == 2
    assert rows == [
        ["Drug", "Dose"],  # the column span keeps its text once; trailing empty cells are dropped
        ["Drug", "Adult", "Child"],
        ["Amoxicillin", "500 mg / 8-hourly", "25 mg/kg"],  # a literal pipe would break the row
        ["Amoxicillin", "1 g", "-"],
        ["Penicillin allergy: use doxycycline"],
    ]


def test_leading_th_rows_count_as_header_without_thead() -> None:
    table = etree.fromstring(
        "<table><tr><th>Drug</th><th>Dose</th></tr><tr><th>Apixaban</th><td>5 mg</td></tr></table>"
    )
    assert table_grid(table) == ([["Drug", "Dose"], ["Apixaban", "5 mg"]], 1)


def test_long_table_blocks_each_start_with_the_header() -> None:
    rows = [["Adverse reaction", "Drug", "Placebo"]] + [[f"Reaction {i}", f"{i}%", "1%"] for i in range(80)]
    blocks = table_blocks(rows, header_rows=1)
    assert len(blocks) > 1
    body_lines = []
    for block in blocks:
        lines = block.splitlines()
        assert lines[0] == "| Adverse reaction | Drug | Placebo |"
        assert len(block) <= TABLE_BLOCK_CHARS
        body_lines += lines[1:]
    assert body_lines == [f"| Reaction {i} | {i}% | 1% |" for i in range(80)]


def test_long_html_table_chunks_carry_the_header(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    body = "".join(f"<tr><td>Reaction {i}</td><td>{i}%</td><td>1%</td></tr>" for i in range(80))
    page = tmp_path / "ae.html"
    page.write_text(
        "<html><body><h1>Adverse reactions</h1><table><thead><tr><th>Adverse reaction</th><th>Drug</th>"
        f"<th>Placebo</th></tr></thead><tbody>{body}</tbody></table></body></html>"
    )
    source = ingest_single(page, store, bm25_settings)
    tables = [c for c in source.chunks if c.is_table]
    assert len(tables) > 1
    assert all(c.text.startswith("| Adverse reaction | Drug | Placebo |\n") for c in tables)
    assert any("| Reaction 79 | 79% | 1% |" in c.text.splitlines() for c in tables)
    for c in source.chunks:
        assert source.text[c.char_start : c.char_end] == c.text
