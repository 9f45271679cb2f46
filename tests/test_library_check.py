"""`medcite library check`: the shipped library passes; each kind of broken topic is reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcite.cli.main import app
from medcite.library import (
    LIBRARY_VERSION,
    dev_c_questions_path,
    dev_d_questions_path,
    dev_e_questions_path,
    dev_f_questions_path,
    dev_g_questions_path,
    dev_h_questions_path,
    dev_i_questions_path,
    dev_j_questions_path,
    dev_k_questions_path,
    dev_l_questions_path,
    dev_m_questions_path,
    dev_n_questions_path,
    dev_o_questions_path,
    dev_p_questions_path,
    dev_q_questions_path,
    dev_r_questions_path,
    dev_s_questions_path,
    heldout_b_questions_path,
    library_path,
    questions_path,
    shipped_questions_paths,
)
from medcite.library.check import check_library, load_questions

TODAY = date(2026, 11, 25)

VALID = f"""---
title: Gout - treating an acute flare
specialty: rheumatology
kind: editorial_summary
keywords: [gout, flare, colchicine]
abbreviations:
  NSAID: non-steroidal anti-inflammatory drug
status: Submitted
last_reviewed: 2026-11-01
authors: ["MedCite editors"]
library_version: {LIBRARY_VERSION}
references:
  - id: r1
    kind: Guideline
    organisation: Example College of Rheumatology
    title: Example guideline for the management of gout
    journal: Example Journal
    year: 2020
  - id: r2
    kind: Drug label
    organisation: Example Pharma
    title: Example colchicine label
    publisher: Example regulator
    year: 2021
---
# Scope
Adults with a gout flare. This sentence needs no citation.

# Recommendations
## First line
Treat a flare with colchicine, an NSAID or a glucocorticoid [r1].

# Dosing
| Drug | Dose | Route | Frequency | Adjustment |
|---|---|---|---|---|
| Colchicine | 1.2 mg then 0.6 mg | Oral | Once | Reduce with strong CYP3A4 inhibitors [r2] |
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(root: Path, questions: Path | None = None) -> list[str]:
    return [str(p) for p in check_library(root, questions, today=TODAY).errors]


def test_valid_topic_passes(tmp_path: Path) -> None:
    write(tmp_path, "rheumatology/gout-flare.md", VALID)
    report = check_library(tmp_path, today=TODAY)
    assert report.ok and report.topics == 1
    # Sections a full topic should have are reported as warnings, not errors.
    assert any("Evidence" in str(w) for w in report.warnings)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("glucocorticoid [r1].", "glucocorticoid.", "uncited sentence under 'Recommendations > First line'"),
        ("glucocorticoid [r1].", "glucocorticoid [r9].", "[r9] does not match any reference id"),
        (
            "glucocorticoid [r1].",
            "glucocorticoid [r1] as early as possible.",
            "citation marker must end the sentence",
        ),
        ("inhibitors [r2] |", "inhibitors |", "uncited table row under 'Dosing'"),
        (
            "last_reviewed: 2026-11-01",
            "last_reviewed: 2027-01-01",
            "last_reviewed 2027-01-01 is in the future",
        ),
        ("last_reviewed: 2026-11-01", "last_reviewed: 01/11/2026", "must be a YYYY-MM-DD date"),
        ("status: Submitted", "status: Published", "front matter status: must be one of"),
        ("kind: editorial_summary", "kind: guideline", "front matter kind"),
        ("kind: Drug label", "kind: Leaflet", "references.1.kind: must be one of"),
        ("    journal: Example Journal\n", "", "references.0: needs a journal or publisher"),
        ("year: 2020", "year: 2031", "reference r1 year 2031 is in the future"),
        ("- id: r2", "- id: r1", "reference id r1 is used twice"),
        ('authors: ["MedCite editors"]', "authors: [Someone]", 'must be ["MedCite editors"]'),
        (f"library_version: {LIBRARY_VERSION}", "library_version: 0.0.1", "is not the library's version"),
        ("specialty: rheumatology", "specialty: cardiology", "does not match the folder 'rheumatology'"),
        ("specialty: rheumatology", "specialty: podiatry", "front matter specialty: must be one of"),
        ("# Recommendations\n", "# Advice\n", "missing the top-level heading '# Recommendations'"),
        ("keywords: [gout, flare, colchicine]\n", "", "front matter keywords: Field required"),
        ("abbreviations:\n", "colour: blue\nabbreviations:\n", "front matter colour: Extra inputs"),
    ],
)
def test_each_problem_is_reported(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in VALID
    write(tmp_path, "rheumatology/gout-flare.md", VALID.replace(old, new, 1))
    found = messages(tmp_path)
    assert any(expected in m for m in found), found


def test_problem_lines_point_into_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "rheumatology/gout-flare.md", VALID.replace("glucocorticoid [r1].", "steroid."))
    [problem] = check_library(tmp_path, today=TODAY).errors
    assert problem.line is not None
    assert "steroid." in path.read_text().splitlines()[problem.line - 1]


def test_duplicate_titles_and_slugs(tmp_path: Path) -> None:
    write(tmp_path, "rheumatology/gout-flare.md", VALID)
    write(tmp_path, "rheumatology/gout-flare-copy.md", VALID)
    other = VALID.replace("specialty: rheumatology", "specialty: emergency medicine")
    write(tmp_path, "emergency-medicine/gout-flare.md", other.replace("Gout - treating", "GOUT -  treating"))
    found = messages(tmp_path)
    # emergency-medicine/ sorts first, so the later files are the duplicates.
    assert (
        "rheumatology/gout-flare.md: error: duplicate topic: same slug as emergency-medicine/gout-flare.md"
        in found
    )
    assert (
        "rheumatology/gout-flare-copy.md: error: duplicate topic: same title as "
        "emergency-medicine/gout-flare.md" in found
    )


def test_bad_files_and_layout(tmp_path: Path) -> None:
    write(tmp_path, "rheumatology/no-front.md", "# Recommendations\nTreat [r1].\n")
    write(tmp_path, "rheumatology/Bad_Name.md", VALID.replace("Gout - treating", "Gout B - treating"))
    write(tmp_path, "misc/gout-c.md", VALID.replace("Gout - treating", "Gout C - treating"))
    write(tmp_path, "rheumatology/broken-yaml.md", VALID.replace("title: Gout", "title: [Gout"))
    found = messages(tmp_path)
    for expected in [
        "no-front.md: error: no YAML front matter",
        "Bad_Name.md: error: file name 'Bad_Name.md' must be a lower-case slug",
        "gout-c.md: error: topic must sit in topics/<specialty>/",
        "broken-yaml.md: error: front matter is not valid YAML",
    ]:
        assert any(expected in m for m in found), (expected, found)


def test_questions_are_checked_against_topics(tmp_path: Path) -> None:
    write(tmp_path, "rheumatology/gout-flare.md", VALID)
    write(tmp_path, "rheumatology/gout-two.md", VALID.replace("Gout - treating", "Gout two - treating"))
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "- {question: 'Acute gout flare in the big toe?', topic: gout-flare, key_phrase: colchicine}\n"
        "- {question: 'Gout flare on day two, what dose?', topic: gout-flare, key_phrase: allopurinol}\n"
        "- {question: 'Which drug for a migraine attack?', topic: migraine, key_phrase: triptan}\n"
    )
    found = messages(tmp_path, questions)
    assert any("key phrase 'allopurinol' does not appear in topic 'gout-flare'" in m for m in found), found
    assert any("question names unknown topic 'migraine'" in m for m in found), found
    assert any("topic 'gout-two' has no evaluation question" in m for m in found), found


def test_each_questions_file_is_checked_on_its_own(tmp_path: Path) -> None:
    write(tmp_path, "rheumatology/gout-flare.md", VALID)
    write(tmp_path, "rheumatology/gout-two.md", VALID.replace("Gout - treating", "Gout two - treating"))
    both = tmp_path / "both.yaml"
    both.write_text(
        "- {question: 'Acute gout flare in the big toe?', topic: gout-flare, key_phrase: colchicine}\n"
        "- {question: 'Gout flare, which steroid route?', topic: gout-two, key_phrase: glucocorticoid}\n"
    )
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        "- {question: 'Gout flare on day two, what now?', topic: gout-flare, key_phrase: NSAID}\n"
    )
    report = check_library(tmp_path, [both, partial], today=TODAY)
    assert report.questions == 3
    # The second file must cover every topic too; its problem names that file.
    assert [str(p) for p in report.errors] == [
        f"{partial}: error: topic 'gout-two' has no evaluation question"
    ]


def test_shipped_library_passes_the_check() -> None:
    paths = shipped_questions_paths()
    assert heldout_b_questions_path() in paths
    assert dev_c_questions_path() in paths
    assert dev_d_questions_path() in paths
    assert dev_e_questions_path() in paths
    assert dev_f_questions_path() in paths
    assert dev_g_questions_path() in paths
    assert dev_h_questions_path() in paths
    assert dev_i_questions_path() in paths
    assert dev_j_questions_path() in paths
    assert dev_k_questions_path() in paths
    assert dev_l_questions_path() in paths
    assert dev_m_questions_path() in paths
    assert dev_n_questions_path() in paths
    assert dev_o_questions_path() in paths
    assert dev_p_questions_path() in paths
    assert dev_q_questions_path() in paths
    assert dev_r_questions_path() in paths
    assert dev_s_questions_path() in paths
    report = check_library(library_path(), paths)
    assert report.errors == [], "\n".join(str(p) for p in report.errors)
    assert report.topics >= 20
    assert report.questions >= 3 * report.topics


# every shipped set but the project's own (several questions per topic) has one question per topic
ONE_PER_TOPIC = [p for p in shipped_questions_paths() if p != questions_path()]


@pytest.mark.parametrize(
    "path", ONE_PER_TOPIC, ids=[p.stem.removeprefix("questions_") for p in ONE_PER_TOPIC]
)
def test_one_per_topic_set_has_one_question_per_topic(path: Path) -> None:
    slugs = sorted(p.stem for p in library_path().rglob("*.md"))
    heldout = load_questions(path)
    assert sorted(q.topic for q in heldout) == slugs
    # Held-out and development sets are new: no question is copied from any other shipped questions file.
    others = {
        q.question.casefold()
        for other in shipped_questions_paths()
        if other != path
        for q in load_questions(other)
    }
    assert not [q.question for q in heldout if q.question.casefold() in others]


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["library", "check"])
    assert ok.exit_code == 0, ok.output
    assert "0 errors" in ok.output
    write(
        tmp_path, "rheumatology/gout-flare.md", VALID.replace("glucocorticoid [r1].", "glucocorticoid [r7].")
    )
    bad = runner.invoke(app, ["library", "check", str(tmp_path)])
    assert bad.exit_code == 1
    assert "[r7] does not match any reference id" in bad.output and "1 errors" in bad.output
    as_json = runner.invoke(app, ["library", "check", str(tmp_path), "--json"])
    assert as_json.exit_code == 1 and '"ok": false' in as_json.output


def test_path_that_is_not_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    from medcite.errors import InputError

    topic = write(tmp_path, "rheumatology/gout-flare.md", VALID)
    with pytest.raises(InputError, match="is not a folder"):
        check_library(topic)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [p.message for p in check_library(empty).errors] == ["no topic files (*.md) found"]


def test_known_questions_are_checked(tmp_path: Path) -> None:
    topic = write(tmp_path, "rheumatology/gout-flare.md", VALID)
    write(
        tmp_path,
        "rheumatology/gout-flare.questions.yaml",
        "- sentence: 'Treat a flare with colchicine'\n"
        "  questions: ['Toe flare since last night, what do I give?']\n"
        "- sentence: 'a phrase that is not in the topic'\n  questions: ['Anything?']\n",
    )
    write(tmp_path, "rheumatology/gone.questions.yaml", "[]\n")
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "- {question: 'Toe flare since last night, what do I give?', topic: gout-flare,"
        " key_phrase: colchicine}\n"
    )
    found = messages(tmp_path, questions)
    assert len(found) == 3, found
    assert any("gout-flare.questions.yaml entry 2: the phrase is in 0 lines" in m for m in found), found
    assert any("gone.questions.yaml: error: no topic gone.md beside it" in m for m in found), found
    # an evaluation question that is also a known question would test memory
    assert any("question is also in gout-flare.questions.yaml" in m for m in found), found
    assert topic.is_file()
