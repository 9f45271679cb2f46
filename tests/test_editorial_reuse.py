"""Reuse of approved articles (real e5-small embeddings), question normalisation, the answer adapter
and the default statement verifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from editorial_support import add_team, compose_answer, ingest_fixtures
from medcite import editorial as ed
from medcite.config import Settings
from medcite.editorial import answer_adapter
from medcite.editorial.similarity import compatible, qualifiers
from medcite.editorial.verification import OverlapVerifier, StatementVerifier, numbers_in
from medcite.errors import InputError
from medcite.search.embeddings import get_embedder
from medcite.store import Store

ASKED = "What is the starting dose of allopurinol?"


def test_semantic_reuse_needs_a_close_question_the_same_intent_and_the_same_qualifiers(
    store: Store, bm25_settings: Settings, tmp_path: Path
) -> None:
    embedder = get_embedder("e5-small")
    answer = compose_answer(store, ingest_fixtures(store, bm25_settings, tmp_path / "docs"))
    add_team(store)
    kb = store.kb_version()
    article = ed.save_new_article(
        store,
        question=ASKED,
        answer=answer,
        audience="clinician",
        kb_version=kb,
        intent="dosing",
        question_vector=embedder.embed_query(ASKED),
    )
    # Not approved yet: a paraphrase is not served from it.
    paraphrase = "At what dose should allopurinol be started?"
    vector = embedder.embed_query(paraphrase)
    normalised = ed.normalise_question(paraphrase)
    assert ed.find_reusable(store, normalised, "clinician", kb, "dosing", vector) is None
    ed.start(store, article.id, "rita")
    ed.approve(store, article.id, "rita")

    match = ed.find_reusable(store, normalised, "clinician", kb, "dosing", vector)
    assert match is not None and match.how == "semantic" and match.article.id == article.id
    assert match.similarity >= ed.REUSE_THRESHOLD
    for intent, audience in (("monitoring", "clinician"), ("dosing", "patient"), (None, "clinician")):
        assert (
            ed.find_reusable(store, ed.normalise_question(paraphrase), audience, kb, intent, vector) is None
        )
    # A question about the maximum dose is close in embedding space but asks something else.
    other = "What is the maximum dose of allopurinol?"
    assert (
        ed.find_reusable(
            store, ed.normalise_question(other), "clinician", kb, "dosing", embedder.embed_query(other)
        )
        is None
    )
    served, how = ed.resolve_article(
        store,
        question=paraphrase,
        audience="clinician",
        kb_version=kb,
        intent="dosing",
        question_vector=vector,
        compose=lambda: pytest.fail("the approved article should have been reused"),
    )
    assert how == "approved_semantic" and served.served_answer()["review"]["status"] == "Approved"


def test_normalisation_is_conservative() -> None:
    n = ed.normalise_question
    expanded = "what is the next step in rheumatoid arthritis after methotrexate"
    assert n("  What is the next step in RA, after MTX?? ") == n(expanded) == expanded
    assert (
        n("Dose of NSAIDs in CKD") == "dose of nonsteroidal anti inflammatory drug in chronic kidney disease"
    )
    assert n("Is 2.5 mg enough?") != n("Is 25 mg enough?") != n("Is 2 5 mg enough?")
    assert n("HR target in AF") == "hr target in atrial fibrillation"  # ambiguous "HR" kept as written
    assert n("ra") == "ra"  # lower-case words are not taken for abbreviations


def test_qualifiers_and_numbers_separate_questions_embeddings_confuse() -> None:
    def differ(a: str, b: str) -> bool:
        return not compatible(ed.normalise_question(a), ed.normalise_question(b))

    assert differ(
        "Amoxicillin dose for otitis media in children?", "Amoxicillin dose for otitis media in adults?"
    )
    assert differ(
        "INR of 9 on warfarin, no bleeding: what next?", "INR of 4 on warfarin, no bleeding: what next?"
    )
    assert differ(
        "Should gout patients continue allopurinol in a flare?", "Should they start allopurinol in a flare?"
    )
    assert not differ(
        "What should be done when RA does not respond to methotrexate?",
        "How should RA be treated after methotrexate fails?",
    )
    assert qualifiers(ed.normalise_question("What is the treatment of HFrEF?")) == {"reduced_ef"}


def test_answer_adapter_reads_and_writes_without_touching_the_input() -> None:
    answer = {
        "title": "t",
        "statements": [{"id": "s1", "section": "bottom_line", "text": "A 5 mg dose.", "citations": [2]}],
        "references": [{"n": 2, "chunk_id": 11, "source_id": 4, "text": "Give 5 mg daily."}],
    }
    edited = answer_adapter.with_statement(answer, "s1", text="A daily 5 mg dose.", citations=[2])
    assert answer["statements"][0]["text"] == "A 5 mg dose."  # type: ignore[index]
    assert answer_adapter.get_statement(edited, "s1").text == "A daily 5 mg dose."
    assert answer_adapter.cited_chunk_ids(answer) == [11] and answer_adapter.cited_source_ids(answer) == [4]
    assert answer_adapter.passages_for(answer, [2]) == ["Give 5 mg daily."]
    assert answer_adapter.with_review(answer, {"status": "Approved"})["review"] == {"status": "Approved"}
    assert answer_adapter.render_sections(answer) == ["## Bottom line", "s1: A 5 mg dose. [2]"]
    with pytest.raises(InputError, match="cites \\[3\\]"):
        answer_adapter.validate({**answer, "statements": [{"id": "s1", "text": "x", "citations": [3]}]})


def test_default_verifier_checks_numbers_and_wording() -> None:
    verifier: StatementVerifier = OverlapVerifier()
    passage = "Begin allopurinol at no more than 100 mg daily and raise the dose every 2 to 5 weeks."
    assert verifier.verify("Start allopurinol at 100 mg daily at most.", [passage]) == (True, "")
    ok, reason = verifier.verify("Begin allopurinol at 300 mg daily.", [passage])
    assert not ok and "300" in reason
    ok, reason = verifier.verify("Allopurinol prevents kidney stones in children.", [passage])
    assert not ok and "content words" in reason
    assert not verifier.verify("Begin allopurinol.", [])[0]
    assert numbers_in("1,000 units, 2.5 mg, 15-25 mg, 30/52") == ["1000", "2.5", "15", "25", "30", "52"]
