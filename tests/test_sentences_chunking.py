from medcite.ingest.chunking import chunk_sections
from medcite.models import Section
from medcite.text.sentences import split_sentences


def test_sentences_respect_clinical_abbreviations_and_decimals() -> None:
    text = (
        "Give 2.5 mg b.i.d. for 3 days, e.g. with food. Dr. J. Smith et al. agreed. Is it safe? Yes.\n"
        "1. Step one. 2. Step two."
    )
    assert split_sentences(text) == [
        "Give 2.5 mg b.i.d. for 3 days, e.g. with food.",
        "Dr. J. Smith et al. agreed.",
        "Is it safe?",
        "Yes.",
        "1. Step one.",
        "2. Step two.",
    ]


def test_table_rows_and_bullets_are_their_own_units() -> None:
    text = "- first item\n- second item. More.\n| Drug | Dose |\n| Metformin | 500 mg |"
    assert split_sentences(text) == [
        "- first item",
        "- second item.",
        "More.",
        "| Drug | Dose |",
        "| Metformin | 500 mg |",
    ]


def test_chunks_are_exact_spans_and_keep_section_paths() -> None:
    sections = [
        Section(("Recommendations", "First line"), "Start drug A at 10 mg daily. " * 40),
        Section(
            ("Recommendations", "Dosing table"),
            "| Drug | Dose |\n| A | 10 mg |\n| B | 20 mg |",
            is_table=True,
        ),
        Section(("Background",), "Short background sentence."),
    ]
    doc = chunk_sections(sections, target_chars=300, max_chars=500)
    assert len(doc.chunks) > 3
    for chunk in doc.chunks:
        assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
        assert len(chunk.text) <= 500
    paths = [c.section_path for c in doc.chunks]
    assert paths[0] == ("Recommendations", "First line")
    assert ("Background",) in paths
    table = [c for c in doc.chunks if c.is_table]
    assert table and all(line.startswith("| ") for c in table for line in c.text.split("\n"))
    # no chunk crosses a section boundary
    assert all(len({c.section_path}) == 1 for c in doc.chunks)
    assert [c.ordinal for c in doc.chunks] == list(range(len(doc.chunks)))


def test_overlong_sentence_is_cut_at_spaces() -> None:
    doc = chunk_sections([Section(("A",), "word " * 1000)], target_chars=200, max_chars=250)
    assert all(len(c.text) <= 250 for c in doc.chunks)
    assert doc.text[doc.chunks[-1].char_start : doc.chunks[-1].char_end] == doc.chunks[-1].text
