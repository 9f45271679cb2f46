"""Known questions next to a topic (`<topic>.questions.yaml`): parsing, validation and which line a
new question is about, with the real embedder and with word overlap alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medcite.answer.answerable import (
    QUERY_KEY_PREFIX,
    AnswerableLine,
    AskedQuestion,
    QuestionVectors,
    answerable_lines,
    line_shares,
    lines_for_origin,
    read_sidecar,
    sidecar_path,
)
from medcite.answer.compose_extractive import _lead_source
from medcite.answer.schema import Role
from medcite.answer.select import Candidate, question_weights
from medcite.library import ORIGIN_PREFIX, library_path
from medcite.library.vector_pack import load_topic_question_keys, load_vector_pack, vector_pack_path
from medcite.models import SearchHit, SourceKind
from medcite.search.embeddings import get_embedder
from medcite.search.vector_cache import vector_key
from medcite.text.tokens import tokenize

TOPIC = """---
title: Example topic
---
# Recommendations
Give oral amoxicillin 500 mg three times daily for five days to most adults [r1].
Switch to intravenous therapy when the patient cannot swallow or keep tablets down [r1].

# Cautions
Avoid amoxicillin in people with a history of immediate penicillin allergy [r1].

# Monitoring
Review the patient after 48 hours of treatment [r1].
Admit the patient after 48 hours of no improvement [r1].

# Dosing
| Drug | Dose |
|---|---|
| Amoxicillin | 500 mg three times daily [r1] |
"""

SIDECAR = """- sentence: "Give oral amoxicillin 500 mg three times daily"
  questions:
    - "What dose of amoxicillin for an adult?"
    - "How long should the amoxicillin course be?"
- sentence: "Switch to intravenous therapy when the patient"
  questions: ["Vomiting every tablet back up, what now?"]
- sentence: "Avoid amoxicillin in people with a history"
  questions: ["Penicillin anaphylaxis as a child, can she have amoxicillin?"]
"""

AKI = library_path() / "nephrology" / "acute-kidney-injury.md"


def write_topic(tmp_path: Path, sidecar: str) -> Path:
    topic = tmp_path / "example.md"
    topic.write_text(TOPIC, encoding="utf-8")
    sidecar_path(topic).write_text(sidecar, encoding="utf-8")
    return topic


def test_entries_resolve_to_whole_body_lines(tmp_path: Path) -> None:
    entries, problems = read_sidecar(write_topic(tmp_path, SIDECAR))
    assert problems == []
    assert [len(e.questions) for e in entries] == [2, 1, 1]
    assert entries[1].line.startswith("switch to intravenous therapy") and entries[1].line.endswith("[r1].")
    assert sidecar_path(tmp_path / "example.md").name == "example.questions.yaml"


@pytest.mark.parametrize(
    ("sidecar", "expected"),
    [
        ("- [not, a, mapping]\n", "needs exactly the keys 'sentence' (or 'row') and 'questions'"),
        ("key: value\n", "must be a list of entries"),
        ("- sentence: 'Give oral amoxicillin'\n  questions: ['Dose?']\n", "needs 5 words or more"),
        ("- sentence: 'this phrase is nowhere in it'\n  questions: ['Dose?']\n", "in 0 lines of the topic"),
        ("- sentence: 'the patient after 48 hours of'\n  questions: ['Dose?']\n", "in 2 lines"),
        ("- sentence: 'Give oral amoxicillin 500 mg'\n  questions: ['Not a question']\n", "ending with '?'"),
        ("- sentence: 'Give oral amoxicillin 500 mg'\n  questions: []\n", "must be 1-12 strings"),
        ("- {sentence: 'Give oral amoxicillin 500 mg', questions: ['A?']}\n"
         "- {sentence: 'for five days to most adults', questions: ['B?']}\n",
         "a second entry for the same line"),
        ("- sentence: [unclosed\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_each_problem_is_reported_and_good_entries_kept(tmp_path: Path, sidecar: str, expected: str) -> None:
    entries, problems = read_sidecar(write_topic(tmp_path, sidecar))
    assert len(problems) == 1 and expected in problems[0], problems
    assert problems[0].startswith("example.questions.yaml")
    assert len(entries) <= 1  # only the entry that resolved (the first of a duplicate pair)


def test_a_topic_without_sidecar_has_no_lines(tmp_path: Path) -> None:
    topic = tmp_path / "plain.md"
    topic.write_text(TOPIC, encoding="utf-8")
    assert read_sidecar(topic) == ([], [])
    assert answerable_lines(topic) == ()
    assert lines_for_origin(str(topic)) == ()
    assert lines_for_origin("relative/plain.md") == ()  # only absolute paths or library origins


def test_library_topics_are_found_from_their_origin() -> None:
    lines = lines_for_origin("library:nephrology/acute-kidney-injury.md")
    assert lines and lines == answerable_lines(AKI)
    assert all(isinstance(e, AnswerableLine) and e.questions for e in lines)


def test_every_shipped_topic_has_known_questions() -> None:
    topics = sorted(library_path().rglob("*.md"))
    assert len(topics) >= 60
    for topic in topics:
        entries, problems = read_sidecar(topic)
        assert problems == [] and len(entries) >= 5, (topic.name, problems)


def _shares(question: str, lines: tuple[AnswerableLine, ...], with_vectors: bool) -> list[float]:
    weights, aliases = question_weights(question)
    if not with_vectors:
        return line_shares(lines, AskedQuestion(weights, aliases))
    embedder = get_embedder("e5-small")
    vectors = QuestionVectors(embedder, load_vector_pack(vector_pack_path(), embedder.name))
    return line_shares(lines, AskedQuestion(weights, aliases, embedder.embed_query(question), vectors))


@pytest.mark.parametrize("with_vectors", [True, False])
@pytest.mark.parametrize(
    ("question", "line_holds"),
    [
        # proposes what the line forbids, in words the line does not use
        (
            "ICU consultant suggests a low dose dopamine infusion to protect the kidneys. Sensible?",
            "dopamine",
        ),
        (
            "Creatinine up after sepsis, CT with iodinated contrast booked. How do I lower the risk?",
            "contrast",
        ),
    ],
)
def test_a_new_question_is_matched_to_the_line_that_answers_it(
    question: str, line_holds: str, with_vectors: bool
) -> None:
    lines = answerable_lines(AKI)
    shares = _shares(question, lines, with_vectors)
    assert sum(shares) == pytest.approx(1.0)
    best = max(range(len(lines)), key=shares.__getitem__)
    assert line_holds in lines[best].line, lines[best].line


def test_shipped_pack_holds_every_known_question() -> None:
    """The pack encodes them at release time, so the first answer on a new machine does not."""
    embedder = get_embedder("e5-small")
    vectors = QuestionVectors(embedder, load_vector_pack(vector_pack_path(), embedder.name))
    for topic in sorted(library_path().rglob("*.md")):
        for entry in answerable_lines(topic):
            vectors.get(entry.questions)
    assert vectors.encoded_here == 0


def test_binary_sidecar_or_topic_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    topic = write_topic(tmp_path, SIDECAR)
    sidecar_path(topic).write_bytes(b"\xff\xfe\x00binary\x00")
    entries, problems = read_sidecar(topic)
    assert entries == [] and len(problems) == 1 and "not valid YAML" in problems[0]
    sidecar_path(topic).write_text(SIDECAR, encoding="utf-8")
    topic.write_bytes(b"---\ntitle: x\n---\n\xff\xfe broken")
    entries, problems = read_sidecar(topic)
    assert entries == [] and problems == ["example.md: cannot read the topic the questions belong to "
                                          "(UnicodeDecodeError)"]  # fmt: skip


def _candidate(source_id: int, rank: int, title: str, text: str) -> Candidate:
    section = ("Recommendations",)
    hit = SearchHit(rank + 1, source_id, 1.0, text, section, title, SourceKind.GUIDELINE, None, 0, len(text))
    role = Role.RECOMMENDATION
    return Candidate(
        hit, rank, text, text, 0, len(text), role, frozenset({role}), frozenset(tokenize(text)), ()
    )


def test_known_questions_move_the_lead_only_between_sources_that_have_them() -> None:
    question = "Which antibiotic for cellulitis of the leg?"
    local = _candidate(1, 0, "Ward protocol: cellulitis", "Give flucloxacillin for leg cellulitis.")
    library = _candidate(2, 1, "Cellulitis", "Give an oral antibiotic active against streptococci.")
    other = _candidate(3, 2, "Erysipelas", "Treat erysipelas like cellulitis.")
    candidates = [local, library, other]
    assert _lead_source(candidates, question) == 1
    # a hospital's own protocol (no known questions) that leads on words keeps the lead
    assert _lead_source(candidates, question, {2: 0.9, 3: 0.1}) == 1
    # between sources with known questions, a clear share moves it
    assert _lead_source(candidates[1:], question) == 2
    assert _lead_source(candidates[1:], question, {2: 0.05, 3: 0.95}) == 3
    assert _lead_source(candidates[1:], question, {2: 0.5, 3: 0.5}) == 2


def test_table_rows_are_named_by_their_first_cell(tmp_path: Path) -> None:
    topic = tmp_path / "example.md"
    topic.write_text(
        TOPIC.replace(
            "| Amoxicillin | 500 mg three times daily [r1] |",
            "| Amoxicillin | 500 mg three times daily [r1] |\n| Doxycycline | 200 mg on day 1 [r1] |\n"
            "| Doxycycline | 100 mg daily after day 1 [r1] |",
        ),
        encoding="utf-8",
    )
    sidecar_path(topic).write_text(
        "- {row: 'amoxicillin', questions: ['Adult amoxicillin dose?']}\n"
        "- {row: 'daily after day 1', questions: ['Doxycycline after the first day?']}\n"
        "- {row: 'Doxycycline', questions: ['Doxycycline dose?']}\n"
        "- {row: 'Drug', questions: ['The header is not a row?']}\n",
        encoding="utf-8",
    )
    entries, problems = read_sidecar(topic)
    # shown the way an answer shows a row: "Drug: dose; ..."
    assert [e.line for e in entries] == [
        "amoxicillin: 500 mg three times daily [r1]",
        "doxycycline: 100 mg daily after day 1 [r1]",
    ]
    assert problems == [
        "example.questions.yaml entry 3: 2 table rows start with or hold 'doxycycline', must be exactly 1",
        "example.questions.yaml entry 4: 0 table rows start with or hold 'drug', must be exactly 1",
    ]


def test_shipped_question_vectors_match_a_fresh_encoding() -> None:
    """Stored as int8 to keep the package small; the rounding must not move a cosine noticeably."""
    embedder = get_embedder("e5-small")
    pack = load_vector_pack(vector_pack_path(), embedder.name)
    questions = answerable_lines(AKI)[0].questions
    shipped = QuestionVectors(embedder, pack).get(questions)
    fresh = embedder.embed_queries(list(questions))
    assert np.allclose((shipped * fresh).sum(axis=1), 1.0, atol=1e-3)
    assert np.allclose(np.linalg.norm(shipped, axis=1), 1.0, atol=1e-5)


def test_the_pack_lists_every_topics_known_questions_as_its_sidecar_does() -> None:
    """The topic router reads each topic's known questions from the pack; a sidecar edited without
    `medcite library build-vectors` would leave the router behind, so the two must agree."""
    model = get_embedder("e5-small").name
    packed = load_topic_question_keys(vector_pack_path(), model)
    pack = load_vector_pack(vector_pack_path(), model)
    topics = sorted(library_path().rglob("*.md"))
    assert len(packed) == len(topics)
    for path in topics:
        expected = tuple(
            vector_key(model, QUERY_KEY_PREFIX + q) for e in answerable_lines(path) for q in e.questions
        )
        keys = packed[ORIGIN_PREFIX + path.relative_to(library_path()).as_posix()]
        assert keys == expected, path.name
        assert all(k in pack for k in keys)
