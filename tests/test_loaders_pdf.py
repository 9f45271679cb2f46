import io
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from loader_support import (
    APIXABAN_ROW,
    DOSE_HEADER,
    DOSE_ROWS,
    HEADER_ROW,
    assert_row_is_citable,
    ingest_single,
)
from medcite.config import Settings
from medcite.errors import EmptyDocumentError, MalformedDocumentError
from medcite.ingest.loaders.pdf import load_pdf
from medcite.ingest.pipeline import ingest_paths
from medcite.store import Store
from medcite.store.sources import list_sources

PROSE = (
    "Oral anticoagulation is recommended for patients with atrial fibrillation and a CHA2DS2-VASc "
    "score of 2 or more. Reduce the dose only when the label criteria are met. "
)


def make_guideline_pdf() -> bytes:
    """A two-page guideline with headings in larger type and a ruled dosing table on page 2."""
    pdf = FPDF()
    pdf.set_title("Anticoagulant dosing in atrial fibrillation")
    pdf.set_author("MedCite tests")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Recommendations", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, PROSE * 3, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Dose reduction", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, "Table 1. Reduced doses of direct oral anticoagulants", new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:
        for values in [DOSE_HEADER, *DOSE_ROWS]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.multi_cell(0, 6, "Check renal function at least once a year.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_dose_table_round_trip_with_pages_and_headings(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "af-guideline.pdf"
    path.write_bytes(make_guideline_pdf())
    source = ingest_single(path, store, bm25_settings)
    assert_row_is_citable(source, APIXABAN_ROW)
    table = next(c for c in source.chunks if c.is_table)
    assert table.text.splitlines()[0] == HEADER_ROW
    assert table.page == 2
    assert table.section_path == [
        "Recommendations",
        "Dose reduction",
        "Table 1. Reduced doses of direct oral anticoagulants",
    ]
    first = source.chunks[0]
    assert first.page == 1 and first.section_path == ["Recommendations"]
    assert first.text.startswith("Oral anticoagulation is recommended")
    assert source.title == "Anticoagulant dosing in atrial fibrillation"
    assert source.authors == ["MedCite tests"]
    after = next(c for c in source.chunks if "Check renal function" in c.text)
    assert not after.is_table and after.page == 2


def test_pdf_readable_with_owner_password_only() -> None:
    doc = load_pdf(Path("owner.pdf"), _encrypted(make_guideline_pdf(), user_password=""))
    assert any(APIXABAN_ROW in s.text for s in doc.sections if s.is_table)


@pytest.mark.parametrize(
    ("case", "error", "reason"),
    [
        ("encrypted", MalformedDocumentError, "encrypted PDF"),
        ("truncated", MalformedDocumentError, "truncated PDF"),
        ("corrupt", MalformedDocumentError, "corrupt PDF"),
        ("no-page-size", MalformedDocumentError, "corrupt PDF"),
        ("no-text", EmptyDocumentError, "no text layer"),
    ],
)
def test_bad_pdfs_fail_with_a_clear_reason(case: str, error: type[Exception], reason: str) -> None:
    good = make_guideline_pdf()
    if case == "encrypted":
        data = _encrypted(good, user_password="user-secret")
    elif case == "truncated":
        data = good[: len(good) // 2]
    elif case == "corrupt":
        data = b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
    elif case == "no-page-size":  # breaks pdfplumber again while it closes the file
        data = good.replace(b"/MediaBox", b"/MediaBoq")
    else:
        pdf = FPDF()
        pdf.add_page()
        pdf.rect(20, 20, 100, 60, style="F")  # an image-like page with no text at all
        data = bytes(pdf.output())
    with pytest.raises(error, match=reason) as caught:
        load_pdf(Path(f"{case}.pdf"), data)
    assert "\n" not in str(caught.value)


def test_bad_pdfs_do_not_stop_the_others(store: Store, bm25_settings: Settings, tmp_path: Path) -> None:
    good = make_guideline_pdf()
    (tmp_path / "a-encrypted.pdf").write_bytes(_encrypted(good, user_password="x"))
    (tmp_path / "b-truncated.pdf").write_bytes(good[:-400])
    (tmp_path / "c-fake.pdf").write_bytes(b"this is not a pdf at all")
    (tmp_path / "d-good.pdf").write_bytes(good)
    report = ingest_paths([tmp_path], store, bm25_settings, embedder=None)
    status = {Path(o.path).name: (o.status, o.reason) for o in report.outcomes}
    assert status["d-good.pdf"][0] == "added"
    assert status["a-encrypted.pdf"][0] == "failed" and "encrypted" in status["a-encrypted.pdf"][1]
    assert status["b-truncated.pdf"][0] == "failed" and "truncated" in status["b-truncated.pdf"][1]
    assert status["c-fake.pdf"][0] == "failed" and "not a PDF" in status["c-fake.pdf"][1]
    assert [s.format for s in list_sources(store)] == ["pdf"]


def test_two_column_page_is_read_column_by_column() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    left = " ".join(f"Left column sentence {i} about anticoagulation." for i in range(40))
    right = " ".join(f"Right column sentence {i} about renal dosing." for i in range(40))
    top = pdf.get_y()
    pdf.multi_cell(85, 5, left)
    pdf.set_xy(115, top)
    pdf.multi_cell(85, 5, right)
    doc = load_pdf(Path("columns.pdf"), bytes(pdf.output()))
    text = "\n".join(s.text for s in doc.sections)
    # Merged lines would interleave the columns; read column by column, each runs in order.
    positions = [text.index(f"Left column sentence {i} ") for i in range(40)]
    positions += [text.index(f"Right column sentence {i} ") for i in range(40)]
    assert positions == sorted(positions)


class _BookPdf(FPDF):
    """Pages with a running head whose chapter changes and a page number in the footer."""

    chapter = "Chapter 1: Dosing"

    def header(self) -> None:
        self.set_font("Helvetica", "", 9)
        self.cell(0, 8, f"{self.chapter} {self.page_no() + 10}", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 9)
        self.cell(0, 8, f"Page {self.page_no()} of 6", align="C")


BODY = [
    "Start apixaban at 5 mg twice daily.",
    "Reduce to 2.5 mg when two criteria are met.",
    "Avoid in severe hepatic impairment.",
    "Check creatinine clearance before starting.",
    "Recheck renal function every year.",
    "Stop 48 hours before high-risk surgery.",
]


def test_running_heads_and_page_numbers_are_dropped() -> None:
    pdf = _BookPdf()
    for number, sentence in enumerate(BODY, start=1):
        if number == 5:  # two pages only: caught by the page-number offset, not by repetition
            pdf.chapter = "Chapter 2: Monitoring"
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, sentence)
    doc = load_pdf(Path("book.pdf"), bytes(pdf.output()))
    assert [(s.page, s.text) for s in doc.sections] == list(enumerate(BODY, start=1))
