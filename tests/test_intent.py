"""Question intent and passage role: the cues that separate passages sharing one topic."""

from __future__ import annotations

import pytest

from medcite.search.intent import Intent, classify_question, intent_match, passage_roles


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What are the symptoms of gout?", Intent.SYMPTOMS),
        ("How is pulmonary embolism diagnosed?", Intent.DIAGNOSIS),
        ("What is the first-line therapy for hypertension in CKD?", Intent.TREATMENT),
        ("Is cystic fibrosis inherited?", Intent.INHERITANCE),
        ("How many people get sarcoidosis?", Intent.FREQUENCY),
        ("What is the outlook for someone with ALS?", Intent.PROGNOSIS),
        ("How can shingles be prevented?", Intent.PREVENTION),
        ("Who is at risk for osteoporosis?", Intent.RISK),
        ("What are the side effects of methotrexate treatment?", Intent.ADVERSE_EFFECTS),
        ("What dose of apixaban in renal impairment?", Intent.DOSING),
        ("What causes restless legs syndrome?", Intent.CAUSES),
        ("What is sarcoidosis?", Intent.DEFINITION),
    ],
)
def test_question_intent(question: str, intent: Intent) -> None:
    assert classify_question(question).primary is intent


def test_no_intent_for_a_bare_topic() -> None:
    assert classify_question("apixaban atrial fibrillation").intents == ()


TREATMENT = (
    "How is gout treated? Acute flares are treated with colchicine, an NSAID or a corticosteroid; "
    "urate-lowering therapy with allopurinol is recommended for recurrent flares."
)
SYMPTOMS = (
    "What are the signs and symptoms of gout? A gout flare presents with sudden pain, swelling and "
    "redness of one joint, often the big toe, sometimes with fever."
)
DEFINITION = "Gout is a form of inflammatory arthritis caused by urate crystals in the joints."


def test_passage_roles_point_at_what_the_passage_answers() -> None:
    treatment, symptoms = passage_roles(TREATMENT), passage_roles(SYMPTOMS)
    assert treatment[Intent.TREATMENT] > treatment[Intent.SYMPTOMS]
    assert symptoms[Intent.SYMPTOMS] > symptoms[Intent.TREATMENT]
    assert passage_roles(DEFINITION)[Intent.DEFINITION] == 1.0
    assert symptoms[Intent.DEFINITION] == 0.0


def test_intent_match_prefers_the_passage_that_answers_the_question() -> None:
    asks_treatment = classify_question("What are the treatments for gout?")
    asks_symptoms = classify_question("What are the symptoms of gout?")
    treatment, symptoms = passage_roles(TREATMENT), passage_roles(SYMPTOMS)
    assert intent_match(asks_treatment, treatment) > intent_match(asks_treatment, symptoms)
    assert intent_match(asks_symptoms, symptoms) > intent_match(asks_symptoms, treatment)
    assert intent_match(classify_question("gout"), treatment) == 0.0


def test_search_service_uses_intent_to_pick_the_answering_passage(tmp_path) -> None:
    """Two passages on one topic: the question's intent decides which ranks first (real store, BM25)."""
    from medcite.config import load_settings
    from medcite.ingest.pipeline import ingest_paths
    from medcite.search.service import SearchService
    from medcite.store import Store

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "gout-treatment.md").write_text(f"---\ntitle: Gout\n---\n\n{TREATMENT}\n")
    (folder / "gout-symptoms.md").write_text(f"---\ntitle: Gout\n---\n\n{SYMPTOMS}\n")
    settings = load_settings(data_dir=tmp_path / "data", ingest={"embed": False})
    store = Store(settings.database_url)
    try:
        ingest_paths([folder], store, settings, embedder=None)
        service = SearchService(settings, store)
        top_treatment = service.search("What are the treatments for gout?", mode="bm25").hits[0]
        top_symptoms = service.search("What are the symptoms of gout?", mode="bm25").hits[0]
        assert "colchicine" in top_treatment.text
        assert "swelling" in top_symptoms.text
    finally:
        store.dispose()
