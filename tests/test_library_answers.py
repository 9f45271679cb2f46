"""The starter library answers its own clinician-style question set: a regression floor for issue 5.

Measured figures are in docs/benchmarks.md ("Starter library answer quality"); this keeps a change to
selection or composition from silently losing ground. BM25 only, so it runs in seconds.
"""

from __future__ import annotations

import pytest

from medcite.answer import bottom_line, compose_extractive
from medcite.answer.bottom_line import WEIGHTS
from medcite.answer.evaluate import evaluate
from medcite.answer.evaluate import load_questions as load_eval_questions
from medcite.answer.service import AnswerService
from medcite.library import questions_path


@pytest.fixture
def service(library_service: AnswerService) -> AnswerService:
    return library_service  # tests/conftest.py: the library ingested once per session, BM25 only


def test_library_questions_quality_floor(service: AnswerService) -> None:
    metrics = evaluate(service, load_eval_questions(questions_path())).metrics()
    assert metrics["over_refusal_rate"] == 0.0  # every library question is answered
    assert metrics["source_hit_rate"] >= FLOOR["source"]
    assert metrics["answers_with_unsupported_statements"] == 0.0
    assert metrics["key_fact_recall"] is not None and metrics["key_fact_recall"] >= FLOOR["article"]
    assert metrics["key_fact_recall_bottom_line"] is not None
    assert metrics["key_fact_recall_bottom_line"] >= FLOOR["bottom_line"]


# BM25-only figures on 2026-12-06, session 5 (article 0.894, bottom line 0.777, right source cited
# 0.979; session 4: 0.894, 0.755, 0.957) minus a small margin; hybrid retrieval, the default, scores
# higher (docs/benchmarks.md).
FLOOR = {"article": 0.86, "bottom_line": 0.75, "source": 0.95}


def test_considerations_come_from_the_topic_answered(service: AnswerService) -> None:
    """A neighbouring topic (croup's stridor check, asthma's scope) stays out of a bronchiolitis answer."""
    article = service.ask(
        "4-month-old with bronchiolitis, sats 91% in air, feeding 60% of normal. "
        "Should I give salbutamol or steroids, and does she need oxygen?"
    )
    titles = {r.number: r.title for r in article.references}
    considerations = article.important_considerations
    statements = [
        *article.bottom_line,
        *article.treatment_algorithm,
        *considerations.monitoring,
        *considerations.alternatives,
        *considerations.cautions,
        *considerations.multidisciplinary,
    ]
    assert statements
    for statement in statements:
        assert all(titles[n].startswith("Bronchiolitis") for n in statement.citations), statement.text
    assert all(step.lead != "Escalate" for step in article.treatment_algorithm)  # nothing is failing


def test_known_questions_pick_the_line_the_question_is_about(
    service: AnswerService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a first seizure the question is whether to start treatment at all: the topic's known
    questions point to the line on when to offer it, which word overlap with the question alone
    (no vectors here) misses in favour of the first-line drug choice."""
    question = (
        "Teenager with her first generalised seizure, normal exam and bloods. "
        "Should I start an antiepileptic today?"
    )
    lead = service.ask(question).bottom_line[0].text
    assert lead.startswith("Consider an antiseizure medicine after a first unprovoked seizure"), lead
    monkeypatch.setitem(WEIGHTS, "asked_like", 0.0)
    without = service.ask(question).bottom_line[0].text
    assert not without.startswith("Consider an antiseizure medicine after a first"), without


def test_known_questions_choose_the_topic(service: AnswerService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Words alone lead to a topic that lists side effects of another drug; the known questions say
    which topic is asked about."""
    question = "On ropinirole for Parkinson disease. What side effects should I warn the family about?"
    article = service.ask(question)
    titles = {r.number: r.title for r in article.references}
    assert titles[article.bottom_line[0].citations[0]].startswith("Parkinson disease")
    monkeypatch.setattr(compose_extractive, "ASKED_SOURCE_WEIGHT", 0.0)
    article = service.ask(question)
    titles = {r.number: r.title for r in article.references}
    assert not titles[article.bottom_line[0].citations[0]].startswith("Parkinson disease")


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Cirrhosis with confusion, ammonia normal. Could it still be encephalopathy?",
         "A raised blood ammonia"),
        ("Young man with a Glasgow-Blatchford score of 0 after a small haematemesis. Admit for endoscopy?",
         "Discharge very-low-risk patients"),
    ],
)  # fmt: skip
def test_a_clearly_asked_line_leads_from_any_section(
    service: AnswerService, monkeypatch: pytest.MonkeyPatch, question: str, lead: str
) -> None:
    """The answer sits under Monitoring or Background, sections a treatment question's roles leave out;
    the known questions point to it clearly enough to lead."""
    assert service.ask(question).bottom_line[0].text.startswith(lead)
    monkeypatch.setattr(bottom_line, "CLEARLY_ASKED", 2.0)  # a share can never reach it
    assert not service.ask(question).bottom_line[0].text.startswith(lead)


def test_a_clearly_asked_line_about_another_drug_answers_the_drug_asked(
    library_hybrid_service: AnswerService,
) -> None:
    """A question about salmeterol is answered by the line saying MART is for formoterol only, although
    that line names only other drugs (with vectors: the known questions match in meaning, not words)."""
    article = library_hybrid_service.ask(
        "Asthma on fluticasone/salmeterol twice daily. Could she take extra puffs of it as her reliever "
        "instead of salbutamol?"
    )
    assert article.bottom_line[0].text.startswith("MART is only for ICS-formoterol combinations")


def test_unnamed_sepsis_is_read_from_the_vital_signs(library_hybrid_service: AnswerService) -> None:
    """The question never says "sepsis": fever, tachycardia, a fast breathing rate and new drowsiness do,
    and so the sepsis topic answers how soon antibiotics go in."""
    article = library_hybrid_service.ask(
        "Man of 77 from a nursing home, temp 38.7, HR 115, RR 25, newly drowsy, no clear source. How soon "
        "should antibiotics be given?"
    )
    assert not article.insufficient_evidence
    assert article.assessment.facts.breastfeeding is None  # "nursing home" is where he lives
    assert article.references[0].title.startswith("Sepsis")
    assert "give antimicrobials within 3 hours" in article.bottom_line[0].text


def test_an_adult_is_answered_from_the_adult_topic(library_hybrid_service: AnswerService) -> None:
    """Fever with flank pain is pyelonephritis; for a woman of 28 the topic for women leads, not the one
    for infants and children that shares most of the words (it led before the age groups were read)."""
    article = library_hybrid_service.ask(
        "28-year-old woman with fever 38.6 and flank pain, urine dip positive, not pregnant. Which oral "
        "antibiotic and for how long?"
    )
    assert article.references[0].title.startswith("Acute uncomplicated pyelonephritis in women")
    assert "children" not in article.bottom_line[0].text.lower()


def test_a_drug_the_implied_condition_rules_out_is_refused(library_hybrid_service: AnswerService) -> None:
    """The question never says "pyelonephritis" and asks only "Fine?": the drug is in the sentence
    before, and fever with flank pain is the condition that rules it out."""
    article = library_hybrid_service.ask(
        "28-year-old woman with fever 38.6 and flank pain, urine dip positive, not pregnant. She has "
        "nitrofurantoin at home and wants to take that. Fine?"
    )
    assert "should be avoided when early pyelonephritis is suspected" in article.bottom_line[0].text
    assert any(w.kind == "contraindication" for w in article.warnings)


def test_a_sentence_about_the_implied_condition_leads(library_hybrid_service: AnswerService) -> None:
    """Vomiting and a systolic of 82 in adrenal insufficiency are an adrenal crisis: the crisis dose
    leads, not the daily replacement dose (which led before implied conditions counted; the topic's
    known questions now point to the crisis line as well, and `test_answer_implied` checks that the
    crisis is read from the case)."""
    question = (
        "Addison disease on hydrocortisone 15 mg daily, vomiting since last night, BP 82/48. How much "
        "hydrocortisone now?"
    )
    lead = "Treat adrenal crisis with hydrocortisone 100 mg intravenously at once"
    assert library_hybrid_service.ask(question).bottom_line[0].text.startswith(lead)


def test_hypoglycaemia_on_a_sulfonylurea_is_not_sent_home(library_hybrid_service: AnswerService) -> None:
    """Glucose 2.1 on glimepiride is hypoglycaemia, and "can he be discharged?" is answered by the line
    saying it can recur for many hours."""
    article = library_hybrid_service.ask(
        "Type 2 diabetes on glimepiride 4 mg, eGFR 25, glucose 2.1 mmol/L, better after IV glucose. Can "
        "he be discharged?"
    )
    assert article.bottom_line[0].text.startswith("Hypoglycaemia caused by a sulfonylurea can recur")


def test_a_drug_the_case_says_is_unavailable(library_hybrid_service: AnswerService) -> None:
    """ "Fidaxomicin is not available in our hospital" meets the condition "where fidaxomicin is
    unavailable", so the line about what to use instead leads."""
    article = library_hybrid_service.ask(
        "First C. difficile episode in a 60-year-old man, 4 stools a day, creatinine normal. Fidaxomicin is "
        "not available in our hospital. What should I use?"
    )
    assert article.bottom_line[0].text.startswith("Where fidaxomicin is unavailable or unaffordable")


def test_a_dose_the_case_repeats_does_not_rule_the_drug_out(library_hybrid_service: AnswerService) -> None:
    """The ticagrelor row says "then 90 mg" and "avoid with strong CYP3A inhibitors": the case's "ticagrelor
    90" is a dose it repeats, not a condition that rules ticagrelor out (it used to, and the row led; the
    case is adapted from development set D)."""
    article = library_hybrid_service.ask(
        "58M, 6 wk post-PCI for NSTEMI, on aspirin 81 + ticagrelor 90 bid, nosebleeds and bruising. OK to "
        "stop the aspirin and continue ticagrelor on its own?"
    )
    assert article.bottom_line[0].text.startswith(
        "In selected patients after PCI, it is recommended to stop aspirin"
    )
    assert not any(w.kind == "contraindication" for w in article.warnings)


def test_insulin_is_held_when_dka_comes_with_low_potassium(library_hybrid_service: AnswerService) -> None:
    """pH 7.08 with ketones 6.2 in type 1 diabetes is DKA (the question does not say so), and K 3.0 is
    below the 3.5 at which the topic says to hold insulin: "start the insulin?" is answered "hold it"."""
    article = library_hybrid_service.ask(
        "19M with type 1 diabetes, vomiting, pH 7.08, bicarbonate 9, ketones 6.2, glucose 28 mmol/L, K 3.0. "
        "Saline is running. Start the insulin infusion now?"
    )
    assert article.references[0].title.startswith("Diabetic ketoacidosis")
    assert article.bottom_line[0].text.startswith("If potassium is below 3.5 mmol/L, hold insulin")


def test_which_drug_and_what_dose_answers_the_choice_first(library_hybrid_service: AnswerService) -> None:
    """ "Which anticoagulant and what dose?" names no drug, so a dose row does not have to lead (as it
    does for "Apixaban dose?"): the choice comes first and a dose may follow."""
    article = library_hybrid_service.ask(
        "72-year-old woman, eGFR 38, new AF, CHA2DS2-VASc 4. Which anticoagulant and what dose?"
    )
    first = article.bottom_line[0].text
    assert "anticoagula" in first.lower() and ":" not in first.split(";")[0], first


def test_an_infant_under_three_months_is_referred(library_hybrid_service: AnswerService) -> None:
    """An 8-week-old is not "3 months or older": the age is read in the condition's unit, so the line for
    babies under 3 months leads (the older children's treatment line used to)."""
    article = library_hybrid_service.ask(
        "7-week-old girl, temp 38.5, poor feeding, urine dip nitrite positive. Oral antibiotics at home OK?"
    )
    assert article.bottom_line[0].text.startswith("Refer babies under 3 months with a suspected UTI")


def test_a_pregnant_patient_is_not_given_the_non_pregnant_line(library_hybrid_service: AnswerService) -> None:
    """ "For non-pregnant adults with penicillin allergy ..., use doxycycline" is not for a pregnant woman."""
    article = library_hybrid_service.ask(
        "30F, 20 weeks pregnant, early latent syphilis, rash with amoxicillin as a child. Doxycycline OK?"
    )
    text = " ".join(s.text for s in article.bottom_line)
    assert "desensitise and then treat with penicillin" in text, text
    assert "non-pregnant" not in text


def test_the_other_branch_of_a_threshold_is_not_added(library_hybrid_service: AnswerService) -> None:
    """Platelets 45 meet "30 or more, observe"; the branch "below 30, treat" is nearly the same words (it
    was dropped as a near-duplicate before, then added as a second sentence) and is left out."""
    article = library_hybrid_service.ask(
        "40M newly diagnosed ITP, plts 45 x10^9/L, a few bruises, no mucosal bleeding. Start prednisolone?"
    )
    text = " ".join(s.text for s in article.bottom_line)
    assert "observe rather than give corticosteroids" in text, text
    assert "below 30" not in text


def test_urosepsis_is_answered_from_the_sepsis_topic(library_hybrid_service: AnswerService) -> None:
    """ "Urosepsis" is a synonym of sepsis: the question is answered, not refused."""
    article = library_hybrid_service.ask(
        "80M urosepsis, MAP 58 after 30 mL/kg crystalloid, no central line yet. Start noradrenaline "
        "peripherally?"
    )
    assert not article.insufficient_evidence
    assert article.bottom_line[0].text.startswith("Start vasopressors through a peripheral line")


def test_suspected_giant_cell_arteritis_with_visual_loss(library_hybrid_service: AnswerService) -> None:
    """Jaw claudication, a new temporal headache, a high ESR and visual loss at 70 are read as suspected
    GCA (the question does not name it), and the visual-loss line leads."""
    article = library_hybrid_service.ask(
        "70M new temporal headache, jaw claudication, ESR 95, transient loss of vision in one eye this "
        "morning. What steroid regimen?"
    )
    assert "methylprednisolone" in article.bottom_line[0].text, article.bottom_line[0].text


def test_a_drug_to_give_now_is_followed_by_its_dose(library_hybrid_service: AnswerService) -> None:
    """ "Give hydrocortisone immediately" names the drug but no dose: the sentence giving the dose for an
    adrenal crisis follows it."""
    article = library_hybrid_service.ask(
        "40M Addison's disease, vomiting since last night, BP 80/50, Na 128. What do I give now?"
    )
    text = " ".join(s.text for s in article.bottom_line)
    assert "hydrocortisone 100 mg intravenously" in text, text


def test_what_dose_after_a_sentence_about_continuing_a_drug(library_hybrid_service: AnswerService) -> None:
    """ "Keep ticagrelor going past the first year. What dose?" asks for ticagrelor's dose, not aspirin's,
    though the case names both with their doses."""
    article = library_hybrid_service.ask(
        "58F, NSTEMI with a stent a year ago, on ticagrelor 90 mg bd and aspirin 75 mg. Cardiology want to "
        "continue ticagrelor beyond 12 months. What dose from now on?"
    )
    assert "60 mg twice daily" in article.bottom_line[0].text, article.bottom_line[0].text


def test_a_dose_question_naming_a_class(library_hybrid_service: AnswerService) -> None:
    """ "Start steroids now, what dose?" names a class, not a drug: a steroid's dose leads (prednisolone
    is a steroid by its name's stem), not the advice to start treatment."""
    article = library_hybrid_service.ask(
        "78M jaw claudication, new headache, ESR 70, no visual symptoms. Biopsy next week. Start steroids "
        "today, what dose?"
    )
    assert "prednisolone 40-60 mg" in article.bottom_line[0].text, article.bottom_line[0].text


def test_the_topic_the_known_questions_point_to_is_read_whole(library_hybrid_service: AnswerService) -> None:
    """Search ranks an H. pylori regimen's "preferred first-line ... for 14 days" above the cystitis topic's
    advice for this question; the cystitis topic's known questions are the closest, so it is read whole
    and its first-line line leads."""
    article = library_hybrid_service.ask(
        "26F, 3 days of dysuria and urgency, afebrile, otherwise well, no allergies. "
        "First-line antibiotic and duration?"
    )
    assert article.bottom_line[0].text.startswith("Treat with nitrofurantoin"), article.bottom_line[0].text


def test_a_child_who_cannot_take_oral_antibiotics_gets_the_parenteral_option(
    library_hybrid_service: AnswerService,
) -> None:
    """ "vomiting every dose" is a child who cannot take oral medication, the condition of the ceftriaxone
    line; the case is read from the sentence a bare "What next?" borrows as its asked part."""
    article = library_hybrid_service.ask(
        "3-year-old, 14 kg, acute otitis media, day 3 of amoxicillin-clavulanate, still 39 and vomiting "
        "every dose of it. What next?"
    )
    assert article.bottom_line[0].text.startswith("Ceftriaxone 50 mg/kg"), article.bottom_line[0].text


def test_a_second_dose_is_not_starting_again_and_a_late_limit_not_yet_reached(
    library_hybrid_service: AnswerService,
) -> None:
    """TXA given 40 minutes ago, birth 90 minutes ago, still bleeding: "do not start tranexamic acid more
    than 3 hours after birth" does not rule it out (she is inside the window), and "give a second 1 g dose"
    goes on with a drug she has had rather than starting it again."""
    article = library_hybrid_service.ask(
        "Delivered 90 min ago, PPH about 1.5 L, oxytocin running, tranexamic acid 1 g given 40 min ago, "
        "still bleeding. More tranexamic acid?"
    )
    text = " ".join(s.text for s in article.bottom_line)
    assert "second 1 g dose of tranexamic acid" in text, text
