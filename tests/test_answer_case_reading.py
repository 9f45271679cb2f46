"""How a case's shorthand is read: what it implies, counts and dates, and what it rules out."""

from __future__ import annotations

import pytest

from medcite.answer.analyse import analyse_question
from medcite.answer.bottom_line import BottomLineContext
from medcite.answer.conditions import CaseReading, condition_fit, for_other_sex, interaction_fit
from medcite.answer.drugs import find_drugs
from medcite.answer.elapsed import Elapsed, Window, elapsed_fit, stated_elapsed, windows
from medcite.answer.implied import COMORBIDITIES, derived_conditions, derived_states, ruled_out_drugs
from medcite.answer.intent import classify_intent
from medcite.answer.query import asked_object, key_terms
from medcite.answer.schema import Intent, Role
from medcite.answer.select import select_evidence
from medcite.answer.thresholds import question_values, threshold_fit
from medcite.search.expansion import expand_query, states_pregnancy


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("67M, L hand clumsiness and dysarthria from 5h ago, NIHSS 2, CT clear. Antiplatelets?", True),
        ("Right arm weakness and aphasia, onset 40 minutes ago. Lyse?", True),
        ("NIHSS of 4 on arrival, which antiplatelet?", True),
        # a droop of the mouth is Bell's palsy's too; a deficit with no time of onset is no acute stroke
        ("Bell's palsy 4 months ago, the mouth still droops. Refer?", False),
        ("Chronic dysarthria since birth, cerebral palsy. Which SLT?", False),
    ],
)
def test_a_stroke_is_read_from_the_nihss_or_a_deficit_with_its_onset(question: str, implied: bool) -> None:
    assert ("stroke" in derived_conditions(question, [])) is implied


@pytest.mark.parametrize(
    ("text", "pregnant"),
    [
        ("24/40 primip, BP 148/96", True),
        ("32+3/40, headache", True),
        ("G2P1 with nausea", True),
        ("Multip, post-dates", True),
        ("BP 150/40 and HR 40/min", False),
        ("Score 12/40 on the questionnaire", True),  # read as a gestation: the shorthand is ambiguous
    ],
)
def test_obstetric_shorthand_states_a_pregnancy(text: str, pregnant: bool) -> None:
    assert states_pregnancy(text) is pregnant


def test_a_pregnancy_in_shorthand_is_searched_and_implied() -> None:
    question = "24/40 primip, BP 148/96, asthmatic. What do I start?"
    assert "pregnant" in expand_query(question).added
    assert "pregnancy" in derived_conditions(question, [])
    assert "pregnancy" not in derived_conditions("Pregnant at 24 weeks, BP 148/96.", [])


def test_a_named_chronic_disease_is_a_comorbidity() -> None:
    assert COMORBIDITIES in derived_states("69M with COPD and T2DM, consolidation on CXR. Oral regimen?")
    assert COMORBIDITIES not in derived_states("31F, previously well, consolidation on CXR. Oral regimen?")
    assert COMORBIDITIES not in derived_states("No diabetes, no heart disease. Which antibiotic?")


def test_cancer_shorthand_and_chemotherapy_shorthand() -> None:
    facts = analyse_question(
        "Ovarian ca starting carbo AUC 5 + paclitaxel tomorrow. What antiemetic prophylaxis for day 1?"
    ).facts
    assert facts.condition == "ovarian cancer"
    assert facts.drugs_mentioned == ["carboplatin", "paclitaxel"]


def test_a_time_word_is_not_the_condition() -> None:
    assert analyse_question("What antiemetic do I write up for day 1?").facts.condition is None


def test_the_fallback_terms_leave_out_punctuation_and_numbers() -> None:
    terms = key_terms(analyse_question("67M, clumsiness from 5h ago, NIHSS 2. Antiplatelet plan?"))
    assert "clumsiness" in terms
    assert not any(t.endswith((",", ".", "?")) or any(ch.isdigit() for ch in t) for t in terms)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What antiemetic prophylaxis do I write up for day 1?", "antiemetic prophylaxis"),
        ("Which antibiotic should I give?", "antibiotic"),
        ("What dose should I give?", None),
        ("Is it safe?", None),
    ],
)
def test_what_a_question_asks_for(question: str, expected: str | None) -> None:
    assert asked_object(question) == expected


@pytest.mark.parametrize(
    ("question", "name", "value", "unit"),
    [
        ("CrCl has now settled at 24. Dose?", "crcl", 24.0, ""),
        ("K has fallen to 3.1.", "potassium", 3.1, ""),
        ("BM before treatment 5.4, given insulin.", "glucos", 5.4, "mmol"),
    ],
)
def test_a_value_after_words_about_its_course(question: str, name: str, value: float, unit: str) -> None:
    found = [v for v in question_values(question) if name in v.stems]
    assert [(v.value, v.unit) for v in found] == [(value, unit)]


@pytest.mark.parametrize(
    ("question", "episodes", "recurrences"),
    [
        ("Third bout of C diff in 5 months.", 3, 2),
        ("Second recurrence of CDI after fidaxomicin.", 3, 2),
        ("2 recurrences this year.", 3, 2),
        ("Three episodes since March.", 3, 2),
        ("First episode, no recurrence.", None, None),
    ],
)
def test_episodes_and_recurrences_are_counted(
    question: str, episodes: int | None, recurrences: int | None
) -> None:
    values = {min(v.stems): v.value for v in question_values(question) if v.stems & {"episod", "recurr"}}
    assert values.get("bout") == episodes
    assert values.get("recurr") == recurrences


def test_a_count_condition_names_what_it_counts_after_the_number() -> None:
    fmt = "Offer faecal microbiota transplantation after treatment has failed for at least two recurrences"
    assert threshold_fit(fmt, question_values("Third bout of C diff.")) == 1
    assert threshold_fit(fmt, question_values("Second episode of C diff.")) == -1
    assert threshold_fit("Use it in three or more episodes.", question_values("4 episodes so far.")) == 1


def test_groups_the_advice_is_for_need_only_one_met() -> None:
    line = (
        "Monitor at least every 3 months in people aged 65 or over, those taking interacting drugs, and "
        "those whose last level was 0.8 mmol/L or higher."
    )
    assert threshold_fit(line, question_values("71F on lithium, last level 0.7.")) == 1
    assert threshold_fit(line, question_values("41F on lithium, last level 0.7.")) == -1
    # without "those" groups every value must meet its condition
    both = "For adults aged 65 or over with a level of 0.8 mmol/L or higher, reduce the dose."
    assert threshold_fit(both, question_values("71F on lithium, level 0.7.")) == -1


def test_months_and_an_illness_date_the_onset() -> None:
    assert stated_elapsed("51F, R Bell's palsy 4 months ago, had pred.") == [Elapsed(2920.0, "onset")]
    assert stated_elapsed("SVD 1 h ago, EBL 1.4 L.") == [Elapsed(1.0, "birth")]


def test_a_time_after_an_event_with_no_limit_word_is_reached_from_then_on() -> None:
    refer = "Refer when there is incomplete facial recovery 3 months after onset."
    assert windows(refer) == [Window(2190.0 * 0.999, None, "onset")]
    assert elapsed_fit(refer, [Elapsed(2920.0, "onset")]) == 1
    assert elapsed_fit(refer, [Elapsed(24.0 * 14, "onset")]) == -1
    assert windows("2 days of dysuria") == []


def _case(question: str) -> CaseReading:
    from medcite.answer.drugs import find_drugs

    drugs = frozenset(d.name.lower() for d in find_drugs(question))
    return CaseReading(values=[], stems=frozenset(), question_terms=frozenset(), aliases={}, drugs=drugs)


def test_a_regimen_combined_with_a_drug_is_no_interaction() -> None:
    regimen = "For outpatients with comorbidities, give amoxicillin-clavulanate combined with a macrolide."
    assert interaction_fit(regimen, _case("COPD, pneumonia, going home. Regimen?")) == 0
    interaction = (
        "Apixaban needs a 50% dose reduction when taken with strong CYP3A4 inhibitors such as ketoconazole."
    )
    assert interaction_fit(interaction, _case("On apixaban alone.")) == -1


def test_a_dose_reduced_for_a_co_medication_needs_it_in_the_case() -> None:
    line = "Dabigatran should be reduced to 75 mg twice daily with dronedarone or systemic ketoconazole."
    assert interaction_fit(line, _case("On dabigatran 150 bd, CrCl 24.")) == -1
    assert interaction_fit(line, _case("On dabigatran 150 bd and dronedarone.")) == 1


def test_tests_to_titrate_a_dose_ask_about_monitoring() -> None:
    question = (
        "Addison's on hydrocortisone. Should I be doing cortisol day curves or ACTH levels to titrate it?"
    )
    assert classify_intent(question) is Intent.MONITORING
    assert classify_intent("How should I titrate the hydrocortisone?") is Intent.DOSING


def test_inflammation_limited_to_the_rectum_is_proctitis() -> None:
    question = "32F, flexi sig shows mild inflammation limited to the rectum, some blood. What do I start?"
    assert "ulcerative proctitis" in derived_conditions(question, [])
    assert "ulcerative proctitis" not in derived_conditions("Colitis extending beyond the rectum.", [])


@pytest.mark.parametrize(
    ("question", "later"),
    [
        ("Carbimazole stopped last year, now thyrotoxic again with FT4 38. Treatment this time?", True),
        ("Her cellulitis came back after 2 weeks.", True),
        ("Should I check the level again next week?", False),
    ],
)
def test_a_relapse_in_plain_words_is_a_later_episode(question: str, later: bool) -> None:
    from medcite.answer.bottom_line import LATER_EPISODE

    assert bool(LATER_EPISODE.search(question)) is later


def test_advice_for_when_a_drug_is_unavailable_needs_the_case_to_say_so() -> None:
    from medcite.answer.conditions import condition_fit
    from medcite.text.tokens import tokenize

    line = "Where fidaxomicin is unavailable or unaffordable, oral vancomycin is an acceptable alternative."
    silent = CaseReading(
        values=[],
        stems=frozenset(tokenize("first recurrence of C. difficile")),
        question_terms=frozenset(),
        aliases={},
    )
    says_so = CaseReading(
        values=[],
        stems=frozenset(tokenize("recurrence, fidaxomicin unavailable on our formulary")),
        question_terms=frozenset(tokenize("fidaxomicin unavailable")),
        aliases={},
    )
    assert condition_fit(line, "", silent) < 0
    assert condition_fit(line, "", says_so) > 0


def test_a_group_that_needs_a_treatment_is_advised_it() -> None:
    from medcite.answer.schema import Role
    from medcite.answer.select import classify_role

    role, _ = classify_role(
        "High-risk patients need admission and intravenous empirical monotherapy with an antipseudomonal "
        "beta-lactam such as cefepime [r1].",
        ("Febrile neutropenia", "Recommendations", "First line"),
    )
    assert role is Role.RECOMMENDATION


def _context(question: str) -> BottomLineContext:
    analysis = analyse_question(question)
    selection = select_evidence([], question, analysis.intent, [], question=question)
    return BottomLineContext(
        question=question,
        intent=analysis.intent,
        failing=False,
        escalating=False,
        current_treatments=frozenset(),
        asked_drugs=frozenset(),
        tried_drugs=frozenset(),
        lead_source=0,
        selection=selection,
    )


def test_the_case_rules_drugs_out_and_the_question_does_not() -> None:
    # the class the case rules out, and the non-selective beta-blockers asthma itself rules out
    assert {"beta-blocker", "labetalol"} <= _context(
        "Brittle asthma, so I don't want a beta-blocker. What do I start?"
    ).unsuitable
    assert _context("Allergic to penicillin (hives), early syphilis. What now?").unsuitable == {"penicillin"}
    assert (
        _context("New AF, HAS-BLED 3. Should we avoid anticoagulation and just use aspirin?").unsuitable
        == set()
    )


def test_drugs_count_as_failed_only_when_the_case_says_treatment_is_failing() -> None:
    from medcite.answer.conditions import condition_fit

    line = (
        "CGRP monoclonal antibodies are appropriate for prevention when at least two established oral "
        "preventive drugs have failed."
    )

    def case(failing: bool) -> CaseReading:
        return CaseReading(
            values=[],
            stems=frozenset(),
            question_terms=frozenset(),
            aliases={},
            failing=failing,
            failing_drugs=frozenset({"sumatriptan", "naproxen"}),
        )

    assert condition_fit(line, "", case(failing=False)) <= 0  # "sumatriptan + naproxen work for attacks"
    assert condition_fit(line, "", case(failing=True)) == 1


def test_a_blood_count_in_10_9_per_litre_meets_a_condition_in_cells_per_microlitre() -> None:
    """ "eos 0.4" is 400 cells/microlitre: it meets "300 cells/microlitre or more" and misses "below 100"."""
    values = question_values("COPD, three flares last year, eos 0.4, FEV1 52%. Which inhaler?")
    assert threshold_fit("With blood eosinophils of 300 cells/microlitre or more, add an ICS", values) == 1
    assert threshold_fit("If blood eosinophils are below 100 cells/microlitre, add roflumilast", values) == -1
    # a count already in cells per microlitre is read as it is
    values = question_values("Eosinophils 150, two exacerbations. Triple therapy?")
    assert threshold_fit("With blood eosinophils of 300 cells/microlitre or more, add an ICS", values) == -1


@pytest.mark.parametrize(
    ("question", "glucose"),
    [
        # the value now, after "and is now"; a clock time is never a value
        ("CBG was 2.1 and is now 7.2 after glucose gel. Home?", 7.2),
        ("Gave insulin with 25 g glucose at 09:30. Her BM before it was 6.1. Anything else?", 6.1),
    ],
)
def test_the_value_now_and_not_a_clock_time(question: str, glucose: float) -> None:
    values = [v for v in question_values(question) if "glucos" in v.stems]
    assert [v.value for v in values] == [glucose]


def test_an_absence_the_case_contradicts_misses() -> None:
    """ "For group A (few symptoms, no exacerbation history)" is not for a patient with exacerbations; it
    still may be for one who says there were none."""
    sentence = "For GOLD group A (few symptoms, no exacerbation history), start a bronchodilator [r1]."
    flares = _context("New COPD, two exacerbations last year, CAT 20. Which inhaler?")
    assert condition_fit(sentence, "COPD", flares.case) == -1
    none = _context("New COPD, no exacerbations ever, CAT 8. Which inhaler?")
    assert condition_fit(sentence, "COPD", none.case) >= 0


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Neb adrenaline for a 9 kg toddler with croup - how many mL should I draw up?", Intent.DOSING),
        ("Morphine for a 60 kg man - how many mg?", Intent.DOSING),
        ("On 6-monthly thyroid function tests for amiodarone - is that often enough?", Intent.MONITORING),
        ("She has 3-monthly lithium levels. Is that too often now?", Intent.MONITORING),
    ],
)
def test_amount_and_interval_questions(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        # a count below range names the disorder when nothing else does; "otherwise normal" is no condition
        ("Bruising, platelets 22, otherwise normal FBC. Admit?", "thrombocytopenia"),
        ("Platelets 250, otherwise unremarkable bloods, tired. Cause?", None),
    ],
)
def test_a_low_platelet_count_names_thrombocytopenia(question: str, condition: str | None) -> None:
    assert analyse_question(question).facts.condition == condition


def test_a_level_named_is_not_a_drug() -> None:
    """ "raised calcium" is a result; "calcium gluconate" is a drug."""
    assert [d.name for d in find_drugs("those with raised calcium or low magnesium")] == []
    assert [d.name for d in find_drugs("give calcium gluconate 10%")] == ["calcium"]


def test_a_brand_is_read_in_a_stop_question() -> None:
    question = "Parkinson's on Sinemet 25/100 TDS, nil by mouth for surgery. Should we hold his Sinemet?"
    analysis = analyse_question(question)
    assert [t.name for t in analysis.facts.treatments] == ["levodopa"]
    ctx = BottomLineContext(
        question=question,
        intent=analysis.intent,
        failing=False,
        escalating=False,
        current_treatments=frozenset({"levodopa"}),
        asked_drugs=frozenset(),
        tried_drugs=frozenset(),
        lead_source=0,
        selection=select_evidence([], question, analysis.intent, [], question=question),
    )
    assert ctx.stopping == frozenset({"levodopa"})


def test_a_cue_after_a_list_reads_every_drug_in_it() -> None:
    facts = analyse_question("Zolmitriptan + paracetamol work for her attacks. Preventer?").facts
    assert {t.name: t.status for t in facts.treatments} == {
        "zolmitriptan": "current",
        "paracetamol": "current",
    }


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("58F, LMN facial weakness on the right since this morning. Prednisolone dose?", "Bell's palsy"),
        # the forehead cannot be wrinkled: it is involved
        (
            "Left face droops, can't wrinkle the forehead on that side, started 2 days ago. Steroids?",
            "Bell's palsy",
        ),
        ("Facial droop after a dental block this morning. Steroids?", None),
        (
            "Facial droop with the forehead involved, onset yesterday, otherwise well. Antivirals?",
            "Bell's palsy",
        ),
        # a droop that spares the forehead with a weak arm and a time of onset is a stroke's
        ("Facial droop with forehead sparing and arm weakness since 10:00. Lyse?", "stroke"),
    ],
)
def test_a_lower_motor_neurone_facial_palsy_is_bells_palsy(question: str, implied: str | None) -> None:
    found = derived_conditions(question, [])
    if implied is None:
        assert "Bell's palsy" not in found and "stroke" not in found
    else:
        assert implied in found


@pytest.mark.parametrize(
    ("question", "fulminant"),
    [
        ("C diff on oral vancomycin, now BP 78/40 and lactate 4. Regimen?", True),
        ("CDI with ileus on the X-ray. What now?", True),
        ("C. difficile, 6 stools a day, WCC 14, BP 130/80. First line?", False),
        ("Hypotension after a GI bleed, no diarrhoea. Fluids?", False),
    ],
)
def test_c_difficile_with_shock_or_ileus_is_fulminant(question: str, fulminant: bool) -> None:
    assert ("fulminant Clostridioides difficile infection" in derived_conditions(question, [])) is fulminant


def test_a_disease_in_brackets_after_a_value_explains_the_value() -> None:
    """ "CrCl 48 (diabetic nephropathy)" tells why the clearance is low; the question is about what it
    asks."""
    assert (
        analyse_question("Wants PrEP, CrCl 48 mL/min (diabetic nephropathy). Options?").facts.condition
        is None
    )
    # in brackets elsewhere it may still be the condition when nothing else names one
    assert (
        analyse_question("Started on levothyroxine (hypothyroidism). Dose?").facts.condition
        == "hypothyroidism"
    )


def test_advice_for_groups_of_another_sex_misses() -> None:
    sentence = (
        "Daily oral F/TAF is an option for sexually active men who have sex with men and transgender women"
    )
    assert for_other_sex(sentence, _context("29F, heterosexual, wants PrEP. Which tablet?").case)
    assert not for_other_sex(sentence, _context("34M, has sex with men, wants PrEP. Which tablet?").case)
    assert not for_other_sex(sentence, _context("27-year-old transgender woman wants PrEP. Which?").case)
    assert not for_other_sex(sentence, _context("Wants PrEP. Which tablet?").case)  # sex not stated


def test_advice_in_women_only_misses_a_man_and_advice_naming_both_does_not() -> None:
    man = _context("72M, hip T-score -3.0, eGFR 60. Which drug first?").case
    assert for_other_sex("Use a bisphosphonate as initial drug treatment in postmenopausal women [r1].", man)
    assert not for_other_sex(
        "Use denosumab as second-line treatment in women, and in men, with OP [r1].", man
    )


def test_a_positive_h_pylori_test_is_the_infection() -> None:
    assert "Helicobacter pylori infection" in derived_conditions("UBT still +ve after Pylera. Next?", [])
    assert "Helicobacter pylori infection" not in derived_conditions("UBT negative. Stop the PPI?", [])


def test_a_day_in_a_schedule_is_not_a_measurement() -> None:
    values = question_values("Champix titration reaching 1 mg bd from day 8, CrCl 22 mL/min. Changed?")
    assert [v.value for v in values if "day" in v.stems] == []
    assert any(v.value == 22 for v in values)


def test_a_regimen_checked_for_a_change_is_a_dose_question() -> None:
    assert (
        classify_intent(
            "Script is the Champix starter pack up to 1 mg bd. Is that OK or should it be changed?"
        )
        is Intent.DOSING
    )


def test_an_adjective_before_the_people_is_part_of_the_condition() -> None:
    sentence = "Pregnant women with syphilis must be treated with penicillin [r1]."
    assert (
        condition_fit(
            sentence, "Syphilis", _context("Pregnant, 20 weeks, syphilis, pen allergic. Doxy?").case
        )
        == 1
    )


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Levels done every 6 months on lithium, eGFR 55. Is that interval right?", Intent.MONITORING),
        ("On rasburicase now. How should I send the uric acid samples?", Intent.MONITORING),
    ],
)
def test_interval_and_sample_questions_are_monitoring(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent


def test_asthma_rules_out_the_non_selective_beta_blockers() -> None:
    assert "labetalol" in ruled_out_drugs("Pregnant, asthmatic on a preventer, BP 150/100")
    assert not ruled_out_drugs("No asthma, BP 150/100")


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("60F, red, hot, swollen shin for 2 days, afebrile. Which antibiotic?", "cellulitis"),
        ("Red hot swollen big toe joint overnight. Colchicine?", None),  # a joint is gout's, not the skin's
        (
            "Started pred 6 weeks ago, temporal artery biopsy positive, CRP normal. Taper?",
            "giant cell arteritis",
        ),
    ],
)
def test_cellulitis_and_confirmed_gca_are_implied(question: str, implied: str | None) -> None:
    found = derived_conditions(question, [])
    if implied is None:
        assert "cellulitis" not in found
    else:
        assert implied in found


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("19yo with type 1, BM 2.9 overnight. Hold the Levemir?", "type 1 diabetes"),
        ("Type 2 respiratory failure on NIV, pH 7.30. Next?", "type 2 respiratory failure"),
    ],
)
def test_the_type_of_diabetes_named_alone(question: str, condition: str) -> None:
    assert (analyse_question(question).facts.condition or "").lower() == condition


def test_values_said_about_today_and_about_a_proportion() -> None:
    values = question_values("K 5.6 last week, repeat K today 5.9. Local cipro resistance is about 15%.")
    assert [(sorted(v.stems), v.value, v.unit) for v in values] == [
        (["potassium"], 5.6, ""),
        (["potassium"], 5.9, ""),
        (["resist"], 15.0, "%"),
    ]


def test_a_stop_rule_is_met_above_the_level_it_cannot_be_kept_below() -> None:
    sentence = (
        "Start an MRA only when potassium is below 5.0 mEq/L, and stop it if potassium cannot be kept "
        "below 5.5"
    )
    assert threshold_fit(sentence, question_values("K 5.9 on spironolactone. Carry on?")) == 1
    assert threshold_fit("Give it if potassium is below 5.5", question_values("K 5.9. Give it?")) == -1


def test_a_combination_dose_in_a_list_and_a_dose_being_given() -> None:
    facts = analyse_question("On Entresto 24/26 bd, bisoprolol 2.5, spiro 25. K 5.2.").facts
    assert {t.name for t in facts.treatments} == {"sacubitril", "bisoprolol", "spironolactone"}
    facts = analyse_question("K 6.3, giving Actrapid 10 units with glucose now. After that?").facts
    assert [(t.name, t.status) for t in facts.treatments] == [("insulin", "current")]


@pytest.mark.parametrize(
    "question",
    [
        "Na 116 → 129 in 12 h after hypertonic saline. Next?",
        "Na 112 on arrival, gave 3% twice, 10h later Na is 124. What now?",
    ],
)
def test_sodium_overcorrection_in_more_wordings(question: str) -> None:
    assert "sodium rises too fast" in derived_conditions(question, [])


@pytest.mark.parametrize(
    ("question", "allergic"),
    [
        ("Amoxicillin caused a blotchy rash when she was 2. Which antibiotic?", True),
        ("Hives after penicillin as a teenager, no anaphylaxis. Options?", True),
        ("Rash on the legs, no new drugs. Cause?", False),
    ],
)
def test_a_reaction_to_a_penicillin_is_a_penicillin_allergy(question: str, allergic: bool) -> None:
    assert ("penicillin allergy" in derived_states(question)) is allergic


def test_a_question_for_another_drug_is_a_treatment_choice() -> None:
    question = (
        "On hydrocortisone three times a day, keeps forgetting doses. Is there a once-daily steroid instead?"
    )
    assert classify_intent(question) is Intent.TREATMENT_CHOICE


def test_shorthand_lab_names_are_values_not_conditions() -> None:
    """ "plt 14" and "CBG of 1.9" are counts and glucose values: the case implies what they name, and
    the words are never read as its condition."""
    platelets = analyse_question("new isolated plt 12, film otherwise normal, probable immune. Admit?")
    assert [(lab.name, lab.value) for lab in platelets.facts.labs] == [("plt", "12")]
    assert "immune thrombocytopenia" in platelets.implied_conditions
    glucose = analyse_question("78F on glipizide found with a CBG of 2.2, now 6.8 after Lucozade. Home?")
    assert glucose.facts.condition == "hypoglycaemia"
    # a low count with no word of an immune cause is thrombocytopenia only
    plain = analyse_question("plt 40 on day 6 of enoxaparin. Next?")
    assert "immune thrombocytopenia" not in plain.implied_conditions


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        # a month dates the case; a mixed-case abbreviation is spelled out
        ("61F, seen in March with HFpEF, HbA1c 70 on metformin. Add what?", "heart failure with preserved"),
        # "in with Na 118": the cue word and a lab are no condition, the low sodium is
        ("80M came in with Na 118 and confusion. How fast to correct?", "hyponatraemia"),
    ],
)
def test_a_month_or_a_lab_after_a_cue_is_not_the_condition(question: str, condition: str) -> None:
    assert (analyse_question(question).facts.condition or "").startswith(condition)


def test_what_was_done_is_not_the_condition() -> None:
    facts = analyse_question("29F has done CBT, still anxious on sertraline 150 mg. Next?").facts
    assert facts.condition != "done CBT"


@pytest.mark.parametrize(
    ("question", "implied", "expected"),
    [
        (
            "19F, episodes of deja vu and then lip smacking, EEG left temporal spikes. Which drug?",
            "focal seizures",
            True,
        ),
        ("Tonic-clonic seizure at 6 am, EEG normal. Start a drug?", "focal seizures", False),
        ("Confused after a fall, EEG shows focal slowing. Start a drug?", "focal seizures", False),
        ("2yo, 12 kg, bulging left eardrum, T 38.9. Antibiotic?", "acute otitis media", True),
        ("2yo, red TM, no bulging, T 37.9. Antibiotic?", "acute otitis media", False),
        (
            "70M, metastatic pancreatic cancer on chemo, new PE. Which anticoagulant?",
            "cancer-associated thrombosis",
            True,
        ),
        (
            "70M, no history of cancer, new unprovoked PE. Which anticoagulant?",
            "cancer-associated thrombosis",
            False,
        ),
        ("70M, corrected Ca 2.9, new DVT. Which anticoagulant?", "cancer-associated thrombosis", False),
        ("64F, breast ca on letrozole, new DVT. Which anticoagulant?", "cancer-associated thrombosis", True),
        ("55F, HbA1c 71 mmol/mol on metformin 1 g bd. Add what?", "type 2 diabetes", True),
        ("55F, HbA1c 8.1% on metformin 1 g bd and insulin for type 1. Add what?", "type 2 diabetes", False),
        ("55F, HbA1c 44 on metformin for PCOS. Stop it?", "type 2 diabetes", False),
        (
            "60M, Na 110 with a seizure, given hypertonic saline. Na now 123 at 8 h. Plan?",
            "sodium rises too fast",
            True,
        ),
        (
            "60M, Na 110 with a seizure, given hypertonic saline. Na now 117 at 8 h. Plan?",
            "sodium rises too fast",
            False,
        ),
    ],
)
def test_findings_that_name_a_condition(question: str, implied: str, expected: bool) -> None:
    analysis = analyse_question(question)
    assert (implied in analysis.implied_conditions) is expected


@pytest.mark.parametrize(
    ("question", "state", "expected"),
    [
        (
            "80F, jaw claudication, a curtain came down over her right eye last night. Steroids?",
            "visual loss",
            True,
        ),
        ("80F, jaw claudication, vision normal. Steroids?", "visual loss", False),
        (
            "50M, red hot swollen skin spreading to the upper eyelid. Which antibiotic?",
            "around the eyes or nose",
            True,
        ),
        ("50M, red hot swollen shin. Which antibiotic?", "around the eyes or nose", False),
        (
            "66F with rectal adenocarcinoma and a new DVT. Rivaroxaban OK?",
            "luminal gastrointestinal cancer",
            True,
        ),
        ("66F with breast cancer and a new DVT. Rivaroxaban OK?", "luminal gastrointestinal cancer", False),
    ],
)
def test_case_findings_in_the_words_sources_use(question: str, state: str, expected: bool) -> None:
    assert any(state in s for s in derived_states(question)) is expected


def test_a_drug_stopped_for_side_effects_is_not_tolerated_with_its_class() -> None:
    states = derived_states(
        "40M with GAD: stopped escitalopram 10 mg (nausea), then duloxetine caused sweating. Next drug?"
    )
    joined = " ".join(states)
    assert "cannot tolerate escitalopram SSRI" in joined and "cannot tolerate duloxetine" in joined
    assert not any(
        "tolerate" in s for s in derived_states("40M with GAD on sertraline 100 mg, no side effects.")
    )


@pytest.mark.parametrize(
    ("question", "recent"),
    [
        ("4yo, 16 kg, AOM again, had amoxicillin 3 weeks ago. Which antibiotic?", True),
        ("4yo, 16 kg, AOM again, had amoxicillin 8 weeks ago. Which antibiotic?", False),
    ],
)
def test_a_course_within_30_days_is_recent_use(question: str, recent: bool) -> None:
    assert ("recent amoxicillin in the past 30 days" in derived_states(question)) is recent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Keppra load for a 70 kg woman still seizing after buccal midazolam?", Intent.DOSING),
        ("Worth sending a random cortisol to see if the dose is right?", Intent.MONITORING),
        ("3yo, 14 kg, AOM. Which antibiotic and what mg/kg?", Intent.DOSING),
    ],
)
def test_a_load_is_a_dose_and_a_test_of_the_dose_is_monitoring(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent
    assert classify_intent("HIV viral load undetectable on Biktarvy. Can she stop PrEP?") is not Intent.DOSING


def test_a_cause_or_a_site_of_more_concern_is_a_condition() -> None:
    concern = (
        "Infection around the eyes or nose is of more concern because of the risk of intracranial spread, "
        "so co-amoxiclav is used [r1]."
    )
    assert (
        condition_fit(concern, "", _context("50M, red hot swollen skin by the lower eyelid. Fluclox?").case)
        == 1
    )
    assert condition_fit(concern, "", _context("50M, red hot swollen skin on the shin. Fluclox?").case) <= 0
    caused = (
        "Hypoglycaemia caused by a sulfonylurea can recur for many hours, so observe these patients [r2]."
    )
    assert condition_fit(caused, "", _context("On a sulfonylurea, glucose 2.0, now 6. Home?").case) == 1
    assert condition_fit(caused, "", _context("On insulin only, glucose 2.0, now 6. Home?").case) <= 0


def test_a_dosing_rows_last_cell_names_its_patients() -> None:
    row = (
        "Amoxicillin-clavulanate: 90 mg/kg per day of amoxicillin with 6.4 mg/kg per day of clavulanate; "
        "Oral; In 2 divided doses; For recent amoxicillin, conjunctivitis or amoxicillin failure [r1]"
    )
    recent = _context("3yo with AOM, finished amoxicillin 10 days ago. Which antibiotic?")
    assert condition_fit(row, "Acute otitis media", recent.case) == 1
    first_episode = _context(
        "3yo with a first AOM, no antibiotics this year, no conjunctivitis. Which antibiotic?"
    )
    assert condition_fit(row, "Acute otitis media", first_episode.case) <= 0


def test_drugs_given_by_a_salt_already_in_or_a_value_before_them() -> None:
    facts = analyse_question(
        "K 6.8, calcium gluconate already in, glucose 5.0 before the Actrapid 10 units. "
        "His Levemir is due too."
    ).facts
    assert {"calcium", "insulin", "insulin detemir"} <= set(facts.current_treatments)


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("70F, cholangitis, MAP 62 on norad 0.3 after 3 L of fluid. Next?", "septic shock"),
        ("2yo with a barking cough since last night, no stridor at rest. Any medicine?", "croup"),
        ("platelets 9, Hb and WCC normal, no blasts on the film. Admit?", "immune thrombocytopenia"),
    ],
)
def test_more_findings_that_name_a_condition(question: str, implied: str) -> None:
    assert implied in analyse_question(question).implied_conditions


def test_ward_names_of_drugs_read_as_the_sources_name_them() -> None:
    assert [d.name for d in find_drugs("norad 0.3, noradrenaline")] == ["norepinephrine", "norepinephrine"]


def test_childhood_history_is_not_a_child_and_booking_bloods_is_a_mother() -> None:
    assert analyse_question("34F, hives with amoxicillin as a child. Which antibiotic?").age_group == "adult"
    assert analyse_question("Booking bloods at 12/40 show anaemia. Iron?").age_group == "adult"
    assert analyse_question("Which antibiotic for a child of 4 with otitis?").age_group == "child"


def test_liver_disease_in_the_words_sources_use() -> None:
    assert any(
        "significant liver disease" in s for s in derived_states("Cirrhotic, Child C, CIWA 18. Regimen?")
    )
    assert not any("liver disease" in s for s in derived_states("Normal LFTs, CIWA 18. Regimen?"))
    assert not any(
        "liver disease" in s for s in derived_states("Decompensated heart failure, CIWA 18. Regimen?")
    )


def test_judging_a_replacement_dose_is_monitoring() -> None:
    question = (
        "Should I titrate her hydrocortisone against cortisol levels, or how do I judge the dose is right?"
    )
    assert classify_intent(question) is Intent.MONITORING


def test_a_dosing_row_that_prefers_a_drug_recommends_it() -> None:
    from medcite.answer.select import classify_role

    row = (
        "Chlordiazepoxide or diazepam: Per local protocol; Oral; Guided by CIWA-Ar; Prefer a shorter-acting "
        "benzodiazepine such as lorazepam in significant liver disease [r1]"
    )
    _, roles = classify_role(row, ("Alcohol withdrawal", "Dosing"))
    assert Role.RECOMMENDATION in roles


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        (
            "Starting sertraline 50 mg for a 24yo with GAD. When do I need to see her again?",
            Intent.MONITORING,
        ),
    ],
)
def test_when_to_see_the_patient_again_is_monitoring(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent


def test_a_pronoun_is_not_the_condition() -> None:
    assert analyse_question("Is albumin better than Hartmann's for filling him?").facts.condition is None


def test_stop_questions_name_the_drug_by_its_form_and_not_what_stops_a_start() -> None:
    tablets = _context(
        "Hb 95 -> 131 after 12 weeks of ferrous sulphate 200 mg od. When can she stop the tablets?"
    )
    assert tablets.stopping == frozenset({"ferrous"})
    starting = _context("K 3.1 in DKA, about to start the insulin infusion. Anything stopping me?")
    assert not starting.stopping


def test_where_to_manage_the_patient_is_a_referral_question() -> None:
    from medcite.answer.intent import focus_roles
    from medcite.answer.select import classify_role

    assert Role.REFERRAL in focus_roles("plt 12, presumed immune. Admit or home on pred?")
    assert Role.REFERRAL in focus_roles("Can I manage her in the community?")
    assert Role.REFERRAL not in focus_roles("Admitted in May with HFpEF. Which drug?")
    _, roles = classify_role(
        "Admit adults with newly diagnosed ITP and a platelet count below 20 [r1].", ("ITP",)
    )
    assert Role.REFERRAL in roles


def test_a_cause_after_a_value_explains_it_and_is_not_the_condition() -> None:
    assert analyse_question("CrCl 48 from lupus nephritis. Which PrEP can she have?").facts.condition is None
    assert (
        analyse_question("65M with lupus nephritis on MMF, BP 150/90. Next?").facts.condition
        == "lupus nephritis"
    )


def test_a_woman_at_risk_through_sex_is_excluded_from_advice_not_for_vaginal_exposure() -> None:
    row = (
        "F/TAF: 200 mg/25 mg; Oral; One tablet daily; CrCl 30 mL/min or more; not for receptive vaginal sex "
        "exposure"
    )
    woman = _context("26F, sex worker, wants PrEP, CrCl 52. Which PrEP?")
    assert condition_fit(row, "HIV PrEP", woman.case) == -1
    man = _context("31M, has sex with men, wants PrEP, CrCl 52. Which PrEP?")
    assert condition_fit(row, "HIV PrEP", man.case) >= 0


def test_a_drug_said_to_be_out_is_unsuitable() -> None:
    assert "f/tdf" in {
        d.lower() for d in _context("CrCl 48 so Truvada is out. What can she have?").unsuitable
    }


def test_a_word_after_a_value_is_not_its_unit_and_crcl_is_a_lab() -> None:
    (value,) = [v for v in question_values("CrCl 48 from lupus nephritis. Which PrEP?") if "crcl" in v.stems]
    assert (value.value, value.unit) == (48.0, "")
    labs = analyse_question("CrCl 48 from lupus nephritis. Which PrEP?").facts.labs
    assert [(lab.name, lab.value) for lab in labs] == [("CrCl", "48")]


def test_co_trimoxazole_is_trimethoprim_sulfamethoxazole() -> None:
    """The UK name, the brand and the abbreviation are one combination, as sources name it."""
    names = {d.name for d in find_drugs("resistant to co-trimoxazole; Septrin; TMP-SMX; Bactrim")}
    assert names == {"trimethoprim-sulfamethoxazole"}


def test_a_count_of_episodes_is_read_against_a_count_not_the_age() -> None:
    """ "People with 3-4 episodes a year" is a condition on the episodes ("third cellulitis this year"),
    not on the 66-year-old's age, which "people" would otherwise name."""
    values = question_values("66M, third cellulitis of the leg this year. Prevent more?")
    assert (
        threshold_fit("For people with 3-4 episodes a year, consider prophylactic antibiotics.", values) == 1
    )
    assert (
        threshold_fit("For people with 5-6 episodes a year, consider prophylactic antibiotics.", values) == -1
    )


def test_a_reactive_treponemal_test_written_before_its_name_counts() -> None:
    implied = derived_conditions("45M reactive TPPA, RPR 1:8, no symptoms, no prior testing. Bicillin?", [])
    assert "latent syphilis of unknown duration" in implied


def test_limit_opening_advice_recommends_but_the_upper_limit_of_normal_does_not() -> None:
    from medcite.answer.select import classify_role

    _, roles = classify_role(
        "Limit the rise in serum sodium to 10 mmol/L in the first 24 hours [r1].", ("T", "R")
    )
    assert Role.RECOMMENDATION in roles
    _, roles = classify_role(
        "Check ALT monthly; above 3 times the upper limit of normal, refer [r1].", ("T", "M")
    )
    assert Role.RECOMMENDATION not in roles
