import pytest

from conftest import shared_path
from medcite.ingest.classify import classify_kind
from medcite.ingest.loaders.spl import load_spl
from medcite.models import ParsedDocument, SourceKind

pytestmark = pytest.mark.shared_data


def _label(name: str) -> ParsedDocument:
    path = shared_path("drug_labels_spl", "xml", name)
    return load_spl(path, path.read_bytes())


def _section(doc: ParsedDocument, *path: str) -> str:
    return "\n\n".join(s.text for s in doc.sections if s.path == path and not s.is_table)


def test_humira_plr_label_sections_and_dose_table() -> None:
    doc = _label("humira.xml")
    # Expected values from the folder's SOURCE.md table.
    assert doc.meta.extra["set_id"] == "608d4f0d-b19f-46d3-749a-7159aa5f933d"
    assert doc.meta.extra["effective_date"] == "2013-09-30" and doc.meta.year == 2013
    assert doc.meta.title.startswith("Humira (adalimumab)")
    assert doc.meta.organisation == "AbbVie Inc."
    assert classify_kind(doc) is SourceKind.DRUG_LABEL
    assert _section(doc, "2 DOSAGE AND ADMINISTRATION") == "HUMIRA is administered by subcutaneous injection."
    tops = [s.path[0] for s in doc.sections]
    for title in ("1 INDICATIONS AND USAGE", "4 CONTRAINDICATIONS", "5 WARNINGS AND PRECAUTIONS",
                  "6 ADVERSE REACTIONS"):  # fmt: skip
        assert title in tops
    jia_path = ("2 DOSAGE AND ADMINISTRATION", "2.2 Juvenile Idiopathic Arthritis")
    jia = [s for s in doc.sections if s.is_table and s.path[:2] == jia_path]
    assert jia and jia[0].text.startswith("| Pediatric Patients (4 to 17 years) | Dose |")
    assert not any("SPL PRODUCT DATA" in " ".join(s.path) for s in doc.sections)


def test_old_format_label_without_title_gets_names_from_products_and_loinc() -> None:
    doc = _label("no-title.xml")
    assert doc.meta.title.startswith("Haloperidol")
    assert doc.meta.extra["set_id"] == "0027b8a3-73bf-4005-a7e3-b035f451a861" and doc.meta.year == 2010
    assert doc.sections[0].path == ("Boxed warning",)  # untitled section named from its LOINC code
    assert ("DOSAGE AND ADMINISTRATION", "Inital Dosage Range", "Children") in {s.path for s in doc.sections}
    assert "0.5 mg to 2 mg b.i.d. or t.i.d." in _section(
        doc, "DOSAGE AND ADMINISTRATION", "Inital Dosage Range", "Adults"
    )


def test_otc_drug_facts_label() -> None:
    doc = _label("cough.xml")
    assert doc.meta.extra["document_type"] == "HUMAN OTC DRUG LABEL"
    assert doc.meta.year == 2011
    assert ("Warnings", "Do not use") in {s.path for s in doc.sections}
    directions = [s for s in doc.sections if s.path == ("Directions",) and s.is_table]
    assert directions and directions[0].text.splitlines()[0] == "| Age | Dose |"


def test_every_shared_label_parses() -> None:
    folder = shared_path("drug_labels_spl", "xml")
    for path in sorted(folder.glob("*.xml")):
        doc = load_spl(path, path.read_bytes())
        assert doc.meta.extra["set_id"] and doc.meta.year, path.name
        assert any("DOSAGE" in " ".join(s.path).upper() or "Directions" in s.path for s in doc.sections), (
            path.name
        )
