"""The patient's stated values and negatives against the conditions a recommendation sets."""

from __future__ import annotations

import pytest

from medcite.answer.analyse import analyse_question
from medcite.answer.select import question_weights
from medcite.answer.thresholds import (
    derived_findings,
    negated_terms,
    negation_fit,
    question_values,
    threshold_fit,
)

CASES = [
    (
        "potassium 3.2 mmol/L",
        "If potassium is below 3.5 mmol/L, hold insulin and replace potassium first.",
        1,
    ),
    ("potassium 3.2 mmol/L", "For potassium of 6.0 mmol/L or more, give insulin-glucose.", -1),
    (
        "eGFR 38, ACR 450 mg/g",
        "Treat with an SGLT2 inhibitor when the eGFR is 20 or more and the ACR is 200 mg/g or more.",
        1,
    ),
    (
        "eGFR 38, ACR 450 mg/g",
        "Suggest an SGLT2 inhibitor for an eGFR of 20-45 and an ACR below 200 mg/g.",
        -1,
    ),
    ("CrCl 40 mL/min", "Rivaroxaban 15 mg once daily if CrCl 15-50 mL/min.", 1),
    ("INR 7.2, no bleeding", "For an INR between 4.5 and 10 without bleeding, hold warfarin.", 1),
    ("INR 7.2, no bleeding", "For an INR above 10 without bleeding, give oral vitamin K.", -1),
    (
        "eosinophils 300. Add ICS?",
        "If blood eosinophils are below 100 cells/microlitre, add roflumilast.",
        -1,
    ),
    ("BP 134/82", "Aim for a blood pressure below 140/90.", 0),  # a pair is not one value
    ("potassium 3.2 mmol/L", "Start a continuous insulin infusion at 0.1 units/kg per hour.", 0),
]


@pytest.mark.parametrize(("question", "sentence", "expected"), CASES)
def test_threshold_fit(question: str, sentence: str, expected: int) -> None:
    assert threshold_fit(sentence, question_values(question)) == expected


def test_negatives_rule_out_the_subgroup_the_patient_is_not_in() -> None:
    negated = negated_terms("62-year-old without diabetes, eGFR 38. Should I add an SGLT2 inhibitor?")
    assert negation_fit("Treat adults with type 2 diabetes and CKD with an SGLT2 inhibitor.", negated) == -1
    assert negation_fit("Treat adults with CKD with an SGLT2 inhibitor.", negated) == 0
    cap = negated_terms("Healthy outpatient with CAP, no comorbidities. Which oral antibiotic?")
    assert negation_fit("For outpatients without comorbidities, give amoxicillin 1 g.", cap) == 1
    assert (
        negation_fit("For outpatients with comorbidities such as heart disease, give a combination.", cap)
        == -1
    )
    allergy = negated_terms("Early syphilis, no penicillin allergy. What is the treatment?")
    assert negation_fit("Give benzathine penicillin G 2.4 million units once.", allergy) == 0
    assert negation_fit("For adults with penicillin allergy, use doxycycline.", allergy) == -1


def test_question_words_weigh_double_in_what_is_asked() -> None:
    weights, aliases = question_weights(
        "Septic shock, MAP 58 after fluids. Which vasopressor and what MAP target?"
    )
    assert weights["vasopressor"] == 2.0 and weights["shock"] == 1.0
    assert weights["arteri"] == 2.0  # MAP spelled out, as sources write it
    assert "58" not in weights
    weights, aliases = question_weights("Is lisinopril safe in a pregnant woman with hypertension?")
    assert aliases["ace"] == "lisinopril" and aliases["pregnanc"] == "pregnant"


def test_out_of_range_values_name_the_condition() -> None:
    assert (
        analyse_question("Potassium 7.1 mmol/L with peaked T waves. What first?").facts.condition
        == "hyperkalaemia"
    )
    assert (
        analyse_question("Sodium 118 mmol/L and confused. How fast to correct?").facts.condition
        == "hyponatraemia"
    )
    dka = analyse_question("DKA with glucose 450 mg/dL and potassium 3.2 mmol/L. When to start insulin?")
    assert dka.facts.condition == "diabetic ketoacidosis"  # a named condition wins over the labs


MORE_CASES = [
    # a sentence with two branches on one measurement: the patient meets one of them
    (
        "potassium 3.2 mmol/L",
        "If potassium is below 3.5 mmol/L, hold insulin and replace potassium first, and add potassium "
        "to intravenous fluids once it is between 3.5 and 5.0 mmol/L.",
        1,
    ),
    # a dose is not a duration: "methimazole 10 mg" says nothing about "12-18 months"
    ("on methimazole 10 mg for 18 months", "Continue methimazole for 12-18 months, then stop.", 0),
    # the measurement named nearest before the number is the one compared
    (
        "potassium 4.4, ACR 150 mg/g",
        "With normal potassium and albuminuria of 30 mg/g or more, suggest adding finerenone.",
        1,
    ),
    # a bracketed alternative unit does not hide the comparison
    ("ACR 150 mg/g", "Treat when the ACR is 200 mg/g (20 mg/mmol) or more.", -1),
    # a target to reach is not a condition on who the advice is for
    ("serum urate 7.4 mg/dL", "Titrate allopurinol to a serum urate below 6 mg/dL.", 0),
    # an age met says less than a measurement met
    ("28-year-old woman", "Adrenaline, adult and child over 12 years: 500 micrograms IM.", 0.5),
]


@pytest.mark.parametrize(("question", "sentence", "expected"), MORE_CASES)
def test_threshold_fit_branches_units_and_nearest_name(question: str, sentence: str, expected: float) -> None:
    assert threshold_fit(sentence, question_values(question)) == expected


def test_values_name_the_findings_sources_use() -> None:
    assert "renal impairment kidney disease CKD" in derived_findings(question_values("eGFR 22, pain"))
    assert "severe renal impairment" in derived_findings(question_values("CrCl 25 mL/min"))
    assert derived_findings(question_values("eGFR 75")) == []


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # an infant's age is read in the unit of the condition: 8 weeks is not "3 months or older"
        ("8-week-old boy, temp 38.3", "For children 3 months or older with pyelonephritis, give X.", -1),
        # an infant's band ("under 3 months") singles them out: met, it counts as a measurement met
        ("8-week-old boy, temp 38.3", "Refer babies under 3 months with a suspected UTI.", 1),
        ("2-year-old girl", "For children 3 months or older with pyelonephritis, give X.", 0.5),
        ("2-year-old girl", "Refer babies under 3 months with a suspected UTI.", -1),
        # bedside shorthand for age, and a condition with no unit is in years
        ("61M, BP 150/90", "For adults under 55, start drug E.", -1),
        ("3yo, wheeze", "For children under 5 years, use drug Q.", 0.5),
        ("6 month old, cough", "For infants under 3 months, admit.", -1),
        ("10 days old, jaundice", "For infants under 3 months, admit.", 1),
        # a weight condition is not one on age
        ("3yo, 14 kg", "For children over 12 kg, give 5 mg.", 0),
        # an adult's age band that most adults are outside singles the patient out
        ("76F, early Parkinson disease", "Do not use drug P in people at higher risk: those over 70.", 1),
        ("23M starting sertraline", "People under 30 starting an SSRI should be seen within 1 week.", 1),
        ("45M, hypertension", "For adults aged 18 or over, measure blood pressure.", 0.5),
        # "younger than" / "older than" are about age whatever word comes before them
        ("76F, early Parkinson disease", "Consider drug Q for selected patients younger than 60 years.", -1),
        ("68M", "Offer the vaccine to patients 65 or older.", 1),
    ],
)
def test_age_conditions_in_their_own_unit(question: str, sentence: str, expected: float) -> None:
    assert threshold_fit(sentence, question_values(question)) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # "at least 2 of": two met is enough, however the third reads
        (
            "84F, weighs 57 kg, creat 1.1 mg/dL",
            "2.5 mg twice daily if at least 2 of: age 80 years or more, weight 60 kg or less, "
            "creatinine 1.5 mg/dL or more.",
            1,
        ),
        (
            "64F, weighs 57 kg, creat 1.1 mg/dL",
            "2.5 mg twice daily if at least 2 of: age 80 years or more, weight 60 kg or less, "
            "creatinine 1.5 mg/dL or more.",
            -1,
        ),
        # a change the case states is read as a percentage; "unless" turns the condition round
        (
            "creat 142 -> 171 umol/L on ramipril",
            "Continue the ACE inhibitor unless serum creatinine rises by more than 30% within 4 weeks.",
            1,
        ),
        (
            "creatinine rose from 120 to 170 on ramipril",
            "Continue the ACE inhibitor unless serum creatinine rises by more than 30% within 4 weeks.",
            -1,
        ),
        # "~30%" is a value; the advice is for 20% or lower
        ("Local Bactrim resistance ~30%", "Use it when local resistance is 20% or lower.", -1),
        # the value now, not the one before treatment
        (
            "BM 2.4, now 6.8 after IV glucose",
            "If glucose is still below 4.0 mmol/L, give IV 10% glucose.",
            -1,
        ),
        # a value without its unit is read in the unit its size fits: glucose 6.8 is mmol/L
        ("BM 2.4, now 6.8 after IV glucose", "For glucose below 70 mg/dL (3.9 mmol/L), give 15 g.", 0),
        ("glucose 54", "For glucose below 70 mg/dL, give 15 g of glucose.", 1),
        ("BM 3.1", "For glucose below 4.0 mmol/L, give 15 g of glucose.", 1),
    ],
)
def test_lists_changes_current_values_and_units(question: str, sentence: str, expected: float) -> None:
    assert threshold_fit(sentence, question_values(question)) == expected
