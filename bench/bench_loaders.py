"""Loader throughput on the shared documents and on a generated 60-page PDF.

Run from the repository root:
    .venv/bin/python bench/bench_loaders.py [--shared ../shared/data] [--repeat 3]
Prints a Markdown table: files, MB, best-of-N seconds, files/s and MB/s per format, plus PDF pages/s.
Parsing only (no chunking, embedding or storing): that is what the loaders add to an ingest.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from medcite.ingest.loaders.registry import detect_format, load_document

GROUPS = {
    "spl": ("drug_labels_spl/xml", "*.xml"),
    "jats": ("guideline_fulltext/pmc_jats", "*.nxml"),
    "pubmed": ("connectors/ncbi_eutils_biopython/xml", "pubmed*.xml"),
    "html (MMWR 2.9 MB)": ("guideline_fulltext/mmwr_html", "*.html"),
}


def _best_of(repeat: int, files: list[tuple[Path, bytes]]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path, data in files:
            load_document(path, data, detect_format(path, data[:4096]))
        best = min(best, time.perf_counter() - start)
    return best


def _pdf(pages: int) -> bytes:
    from fpdf import FPDF  # dev dependency

    pdf = FPDF()
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, f"Section {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, "Apixaban 5 mg twice daily; reduce to 2.5 mg when two criteria apply. " * 25)
        if number % 3 == 0:
            with pdf.table() as table:
                for row in [
                    ["Drug", "Dose", "Route"],
                    ["Apixaban", "2.5 mg", "PO"],
                    ["Dabigatran", "110 mg", "PO"],
                ]:
                    cells = table.row()
                    for value in row:
                        cells.cell(value)
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| format | files | MB | seconds | files/s | MB/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (folder, pattern) in GROUPS.items():
        paths = sorted((args.shared / folder).glob(pattern))
        if not paths:
            print(f"| {name} | (not found under {args.shared}) | | | | |")
            continue
        files = [(p, p.read_bytes()) for p in paths]
        megabytes = sum(len(d) for _, d in files) / 1e6
        seconds = _best_of(args.repeat, files)
        print(f"| {name} | {len(files)} | {megabytes:.2f} | {seconds:.3f} | {len(files) / seconds:.1f} | "
              f"{megabytes / seconds:.2f} |")  # fmt: skip
    pages = 60
    data = _pdf(pages)
    seconds = _best_of(args.repeat, [(Path("generated.pdf"), data)])
    print(f"| pdf (generated, {pages} pages) | 1 | {len(data) / 1e6:.2f} | {seconds:.3f} | "
          f"{pages / seconds:.1f} pages/s | {len(data) / 1e6 / seconds:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
