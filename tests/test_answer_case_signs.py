"""What a case says without naming it: signs and results that imply a condition, whose drug a drug is,
and how a question is read (session 14's rules; the questions are written for these tests)."""

from __future__ import annotations

import pytest

from medcite.answer.analyse import analyse_question
from medcite.answer.bottom_line import _DOSE_VALUE, _GIVEN_DOSE
from medcite.answer.implied import derived_conditions
from medcite.answer.intent import focus_roles
from medcite.answer.query import asked_object
from medcite.answer.schema import Role
from medcite.answer.select import question_weights


def _implied(question: str) -> tuple[str, ...]:
    return analyse_question(question).implied_conditions


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("Coffee-ground vomit this morning, HR 104, Hb 9.1. Scope today or tomorrow?", True),
        ("70M, black tarry stools (melaena) for two days, on aspirin. PPI before the scope?", True),
        ("No melaena or haematemesis, just epigastric pain. PPI?", False),
        ("Upper GI bleed with melaena, Hb 8. Transfuse?", False),  # named already
    ],
)
def test_melaena_or_haematemesis_is_upper_gi_bleeding(question: str, implied: bool) -> None:
    assert ("upper gastrointestinal bleeding" in _implied(question)) is implied


def test_an_isolated_low_platelet_count_with_a_normal_film_is_immune() -> None:
    question = "28M, platelets 11, rest of the FBC normal and film unremarkable, gum bleeding. Admit?"
    assert "immune thrombocytopenia" in _implied(question)
    # on heparin, a falling count has a cause of its own
    on_heparin = "Day 6 of enoxaparin, platelets 40, rest of FBC normal. Next step?"
    assert "immune thrombocytopenia" not in _implied(on_heparin)


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("32F, dysuria, now 38.6 with left flank pain. Oral options?", True),
        ("Spiking 39.2 overnight, right loin tenderness, frequency. Antibiotic?", True),
        ("Weight now 38.6 kg, left flank pain after a fall. Analgesia?", False),
    ],
)
def test_a_temperature_without_its_name_still_counts_as_fever(question: str, implied: bool) -> None:
    assert ("pyelonephritis" in _implied(question)) is implied


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("Postnatal ward: BP 152/98, urine PCR 64, headache since delivery. Which antihypertensive?", True),
        ("34/40, BP 146/94 with proteinuria 2+ on dipstick. Admit?", True),
        ("34/40, BP 146/94, PCR 12. Admit?", False),  # no significant proteinuria
        ("62M, BP 150/95, PCR 80 from his diabetic kidney disease. Add an ARB?", False),  # not obstetric
    ],
)
def test_hypertension_with_proteinuria_in_pregnancy_is_pre_eclampsia(question: str, implied: bool) -> None:
    assert ("pre-eclampsia" in derived_conditions(question, analyse_question(question).facts.labs)) is implied


def test_regular_heroin_use_and_podagra_name_their_conditions() -> None:
    assert "opioid use disorder" in _implied("26F smoking heroin daily for 2 years, wants help. Options?")
    assert "opioid use disorder" not in _implied("On methadone for opioid use disorder, dose?")
    assert "gout" in _implied("Third bout of podagra this year on HCTZ. Change his BP tablet?")


def test_someone_elses_drug_is_not_the_patients() -> None:
    facts = analyse_question("19F asking about PrEP; her boyfriend takes Descovy. Same for her?").facts
    assert "F/TAF" not in facts.current_treatments
    given = analyse_question("K 6.8: just pushed 10 units Actrapid with 50 mL 50% glucose. What next?").facts
    assert "insulin" in given.current_treatments


def test_ward_shorthand_names_the_drug() -> None:
    drugs = analyse_question("Dex dose for croup in a 14 kg child? On HCTZ for nothing else.").facts
    assert {"dexamethasone", "hydrochlorothiazide"} <= set(drugs.drugs_mentioned)


def test_a_brand_name_in_the_question_is_answered_by_the_generic() -> None:
    """ "Subutex" is buprenorphine: a source sentence naming buprenorphine answers that word."""
    weights, aliases = question_weights("Took a handful of Subutex; naloxone not working. Expected?")
    assert aliases.get("buprenorphin") == "subutex" and "subutex" in weights


def test_a_line_that_failed_and_a_plan_to_check_ask_for_alternatives_and_cautions() -> None:
    assert Role.ALTERNATIVE in focus_roles("Still positive after two courses. What is the 3rd-line option?")
    assert Role.CAUTION in focus_roles("Drug chart says 5% dextrose 1 L 8-hourly. OK to hang?")
    assert Role.CAUTION not in focus_roles("Which fluid should I hang?")


def test_what_is_asked_for_may_be_followed_by_when() -> None:
    assert asked_object("What antiemetic cover on day 1 of carboplatin?") == "antiemetic cover"


@pytest.mark.parametrize(
    ("text", "dose"),
    [
        ("albuminuria of 30 mg/g or more", False),
        ("an eGFR of 20 mL/min or more", False),
        ("glucose 180 mg/dL", False),
        ("amiodarone 1 mg/min for 6 hours", True),
        ("10 mg once daily", True),
        ("0.6 mg/kg as a single dose", True),
    ],
)
def test_a_concentration_or_clearance_is_not_a_dose(text: str, dose: bool) -> None:
    assert bool(_DOSE_VALUE.search(text)) is dose
    assert bool(_GIVEN_DOSE.search(text)) is dose


def test_a_transient_focal_deficit_is_a_tia_and_oxidant_haemolysis_is_g6pd_deficiency() -> None:
    from medcite.answer.implied import derived_states, ruled_out_drugs

    tia = "Two years ago she had 15 minutes of left face droop and arm numbness that fully resolved."
    assert "TIA transient ischaemic attack" in derived_states(tia)
    assert "TIA transient ischaemic attack" not in derived_states("Left arm weakness since 2 hours, NIHSS 5.")
    g6pd = "As a child he had haemolysis after fava beans."
    assert "G6PD deficiency" in derived_states(g6pd)
    assert "rasburicase" in ruled_out_drugs(g6pd)
    assert "rasburicase" in ruled_out_drugs("Known G6PD deficiency, high TLS risk.")


def test_cva_tenderness_is_loin_tenderness_and_neb_epi_is_adrenaline() -> None:
    assert "pyelonephritis" in _implied("Dysuria, temp 38.6 and right CVA tenderness. Outpatient options?")
    drugs = analyse_question("Croup, neb epi given 40 minutes ago, now settled. Home?").facts.drugs_mentioned
    assert "epinephrine" in drugs


def test_a_combination_and_us_dose_times_keep_a_drug_list_going() -> None:
    facts = analyse_question(
        "On sacubitril/valsartan 49/51 bid, carvedilol 25 mg bid and dapagliflozin 10 mg. Another drug I "
        "could add?"
    ).facts
    assert {"sacubitril", "valsartan", "carvedilol", "dapagliflozin"} <= set(facts.current_treatments)
    # "drug I could add": the asker, not a placeholder drug
    assert not any(d.startswith("drug ") for d in facts.drugs_mentioned)


def test_the_gp_surgery_is_no_operation() -> None:
    assert (
        "surgery" not in analyse_question("Bloods back from the surgery: Hb 9.1. Iron?").facts.drugs_mentioned
    )
    assert (
        "surgery" in analyse_question("Needs surgery for a hip fracture on apixaban.").facts.drugs_mentioned
    )


def test_where_a_child_is_cared_for_asks_about_referral() -> None:
    assert Role.REFERRAL in focus_roles("Can I start antibiotics in the surgery and review tomorrow?")


def test_class_2a_wording_is_an_option() -> None:
    from medcite.answer.select import classify_role

    role, _ = classify_role("Drug X can be useful in NYHA class II with a heart rate of 70 or more [r1].", ())
    assert role is Role.ALTERNATIVE  # a weaker recommendation: an option beside the first-line one
