"""Question analysis, safety checks, verification and reference formatting: pure logic on real text."""

from __future__ import annotations

import pytest

from medcite.answer.analyse import analyse_question, extract_facts
from medcite.answer.drugs import find_drugs
from medcite.answer.intent import classify_intent
from medcite.answer.readability import flesch_kincaid
from medcite.answer.refs import to_bibtex, to_ris, vancouver
from medcite.answer.schema import Intent, Reference
from medcite.answer.verify import numbers_in, verify_statement
from medcite.safety.phi import scrub_identifiers
from medcite.safety.redflags import detect_red_flags


@pytest.mark.parametrize(
    ("question", "name", "start", "end", "scale", "trend", "interval"),
    [
        (
            "whose EFS fell from 30/52 to 26/52 over two weeks on drug A",
            "EFS",
            30,
            26,
            52,
            "falling",
            "2 weeks",
        ),
        ("HbA1c rose from 7.2% to 8.6% over 6 months", "HbA1c", 7.2, 8.6, None, "rising", "6 months"),
        (
            "her DAS28 score went from 3.1 to 5.4 in 3 months",
            "DAS28 score",
            3.1,
            5.4,
            None,
            "rising",
            "3 months",
        ),
        ("MG-ADL dropped from 12/24 to 6/24 within a month", "MG-ADL", 12, 6, 24, "falling", "1 month"),
        ("eGFR declined from 58 to 41 mL/min over the past year", "eGFR", 58, 41, None, "falling", "1 year"),
        ("the score stayed from 20/30 to 20/30 over 4 weeks", None, 20, 20, 30, "unchanged", "4 weeks"),
    ],
)
def test_score_trends(
    question: str, name: str | None, start: float, end: float, scale: float | None, trend: str, interval: str
) -> None:
    [score] = extract_facts(question).scores
    assert (score.start, score.end, score.scale_max, score.trend, score.interval) == (
        start,
        end,
        scale,
        trend,
        interval,
    )
    if name:
        assert score.name == name


@pytest.mark.parametrize(
    ("question", "current", "previous"),
    [
        (
            "patient on drug A and drug B, who responded before to treatment C",
            ["drug A", "drug B"],
            ["treatment C"],
        ),
        ("RA despite methotrexate 20 mg weekly and sulfasalazine", ["methotrexate", "sulfasalazine"], []),
        ("currently taking metformin, previously on gliclazide", ["metformin"], ["gliclazide"]),
        ("after adalimumab failed, now on tocilizumab", ["tocilizumab"], ["adalimumab"]),
        ("she did not tolerate atorvastatin; stable on ezetimibe", [], ["atorvastatin"]),
        ("failed methotrexate and leflunomide", [], ["methotrexate", "leflunomide"]),
        ("Is lisinopril safe in pregnancy?", [], []),
        # a dose before the drug, and a salt word inside the list
        ("K 6.7, given 10 u Actrapid with 50 mL of 50% glucose. Rate afterwards?", ["insulin"], []),
        ("Gave calcium gluconate and 10 units Actrapid with glucose. What next?", ["calcium", "insulin"], []),
        # what works is taken
        ("Migraine. Naproxen works for the attacks but there are too many. Preventer?", ["naproxen"], []),
        # a route word between two drugs of one list
        (
            "Croup, had dexamethasone and nebulised adrenaline an hour ago. Next?",
            [],
            ["dexamethasone", "adrenaline"],
        ),
        # a dose changed is a drug taken
        ("Ramipril uptitrated 2.5 -> 10 mg three weeks ago, creatinine 152. Stop it?", ["ramipril"], []),
        # doses written without their unit still join the list
        (
            "BP 152/94 despite amlodipine 10, ramipril 10, indapamide 2.5. What next?",
            ["amlodipine", "ramipril", "indapamide"],
            [],
        ),
    ],
)
def test_current_and_previous_treatments(question: str, current: list[str], previous: list[str]) -> None:
    facts = extract_facts(question)
    assert facts.current_treatments[: len(current)] == current
    assert facts.previous_treatments == previous


def test_treatment_responses_and_inadequate_pattern() -> None:
    facts = extract_facts("despite drug A, after a good response to treatment C, intolerant of drug F")
    responses = {t.name: (t.status, t.response) for t in facts.treatments}
    assert responses["drug A"] == ("current", "inadequate")
    assert responses["treatment C"] == ("previous", "responded")
    assert responses["drug F"] == ("previous", "intolerant")
    assert facts.inadequate_response


@pytest.mark.parametrize(
    ("question", "age", "sex", "pregnant"),
    [
        ("A 54-year-old woman with RA", 54, "female", None),
        ("65M with chest pain", 65, "male", None),
        ("aged 30, 28 weeks pregnant", 30, "female", True),
        ("a 72 yo man with AF", 72, "male", None),
        ("woman, not pregnant, with hypertension", None, "female", False),
        ("a man who is planning to conceive with his partner", None, "male", None),
    ],
)
def test_demographics(question: str, age: int | None, sex: str | None, pregnant: bool | None) -> None:
    facts = extract_facts(question)
    assert (facts.age, facts.sex, facts.pregnant) == (age, sex, pregnant)


def test_labs_doses_durations() -> None:
    facts = extract_facts(
        "eGFR 38 mL/min/1.73m2, potassium 5.8 mmol/L, BP 165/100 mmHg, CRP of 34 mg/L, "
        "on metformin 1 g twice daily and amlodipine 10 mg once daily for 3 months"
    )
    labs = {lab.name: (lab.value, lab.unit) for lab in facts.labs}
    assert labs["eGFR"] == ("38", "mL/min/1.73m2")
    assert labs["potassium"] == ("5.8", "mmol/L")
    assert labs["BP"] == ("165/100", "mmHg")
    assert labs["CRP"] == ("34", "mg/L")
    doses = {(d.drug, d.amount, d.unit, d.frequency) for d in facts.doses}
    assert ("metformin", "1", "g", "twice daily") in doses
    assert ("amlodipine", "10", "mg", "once daily") in doses
    assert not any(d.unit.lower() == "mg" and d.amount == "34" for d in facts.doses)
    assert facts.durations == ["3 months"]


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("Next step for a patient with RA despite methotrexate?", "rheumatoid arthritis"),
        ("What is the first-line treatment for hypertension in a pregnant woman?", "hypertension"),
        ("Dose of metformin in type 2 diabetes with eGFR 38?", "type 2 diabetes"),
        ("Treatment of malaria in children?", "malaria"),
        ("a man diagnosed with example syndrome whose EFS fell", "example syndrome"),
    ],
)
def test_condition(question: str, condition: str) -> None:
    assert extract_facts(question).condition == condition


def test_drug_lexicon_and_suffixes() -> None:
    names = [
        d.name
        for d in find_drugs(
            "Adalimumab, tofacitinib, ramipril, losartan, bisoprolol, rosuvastatin, "
            "empagliflozin, semaglutide and drug X; not disease, response or dose."
        )
    ]
    assert names == ["adalimumab", "tofacitinib", "ramipril", "losartan", "bisoprolol", "rosuvastatin",
                     "empagliflozin", "semaglutide", "drug X"]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What is the next step for RA on methotrexate with DAS28 5.1?", Intent.NEXT_STEP),
        ("What is the first-line treatment for hypertension?", Intent.TREATMENT_CHOICE),
        ("What dose of metformin in renal impairment?", Intent.DOSING),
        ("How is rheumatoid arthritis diagnosed?", Intent.DIAGNOSIS),
        ("How often should liver tests be monitored on methotrexate?", Intent.MONITORING),
        ("What are the side effects of methotrexate?", Intent.ADVERSE_EFFECTS),
        ("Adalimumab versus tocilizumab in RA?", Intent.COMPARISON),
        ("What is the prognosis of example syndrome?", Intent.PROGNOSIS),
        ("Is lisinopril safe in pregnancy?", Intent.ADVERSE_EFFECTS),
    ],
)
def test_intent(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent


def test_intent_defaults_to_next_step_when_therapy_is_named() -> None:
    assert classify_intent("RA on methotrexate and sulfasalazine", has_treatment=True) is Intent.NEXT_STEP
    assert classify_intent("gout", has_treatment=False) is Intent.TREATMENT_CHOICE


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("55 year old man with crushing chest pain and sweating", "possible acute coronary syndrome"),
        ("chest pain radiating to the left arm", "possible acute coronary syndrome"),
        ("sudden weakness of the left arm and slurred speech", "possible stroke"),
        ("facial droop since this morning", "possible stroke"),
        ("lip swelling and wheeze after a peanut", "possible anaphylaxis"),
        ("she has anaphylaxis to penicillin now", "possible anaphylaxis"),
        ("he says he wants to kill himself", "suicide risk"),
        ("fever with confusion and hypotension", "possible sepsis"),
        ("thunderclap headache this morning", "possible meningitis or subarachnoid haemorrhage"),
        ("found unresponsive on the ward, RR 6", "airway, breathing or circulation emergency"),
    ],
)
def test_red_flags_detected(question: str, kind: str) -> None:
    assert kind in [f.kind for f in detect_red_flags(question)]


@pytest.mark.parametrize(
    "question",
    [
        "no chest pain, sweating after exercise",
        "denies suicidal ideation",
        "next step for RA on methotrexate",
        "monitoring of metformin in type 2 diabetes",
        "chest pain is absent",
        # a seizure history: past spells of unresponsiveness are no emergency now
        "two spells of deja vu then lip-smacking and unresponsiveness last month; which drug?",
    ],
)
def test_red_flags_not_raised(question: str) -> None:
    flags = detect_red_flags(question)
    assert [f.kind for f in flags if f.kind != "possible acute coronary syndrome"] == []
    if "absent" not in question:
        assert flags == []


@pytest.mark.parametrize(
    ("text", "gone", "kinds"),
    [
        ("Mr John Smith, MRN 12345678, on methotrexate 15 mg", ["John Smith", "12345678"], {"NAME", "MRN"}),
        ("DOB 12/03/1956, phone 07700 900123", ["12/03/1956", "07700 900123"], {"DOB", "PHONE"}),
        ("email j.smith@example.com lives at 12 Acacia Avenue", ["j.smith@example.com", "Acacia"], {"EMAIL"}),
        ("patient named Alice Brown born on March 3, 1950", ["Alice Brown", "1950"], {"NAME", "DOB"}),
        ("call (555) 123-4567 or 555-123-4567", ["123-4567"], {"PHONE"}),
        ("NHS number 943 476 5919, seen 2024-01-05", ["943 476 5919", "2024-01-05"], {"MRN", "DATE"}),
    ],
)
def test_identifiers_scrubbed(text: str, gone: list[str], kinds: set[str]) -> None:
    result = scrub_identifiers(text)
    for value in gone:
        assert value not in result.text
    assert kinds <= set(result.found)


def test_scrub_keeps_clinical_numbers() -> None:
    text = "BP 165/100 mmHg, score from 30/52 to 26/52 over 2 weeks, methotrexate 7.5 mg, eGFR 38, HbA1c 8.5%"
    assert scrub_identifiers(text).text == text


def test_analysis_scrubs_before_reading_facts() -> None:
    analysis = analyse_question("Mrs Jane Doe (MRN 99887766) with RA despite methotrexate: next step?")
    assert "Jane" not in analysis.question and "99887766" not in analysis.question
    assert analysis.identifiers_removed == {"MRN": 1, "NAME": 1}
    assert analysis.facts.condition == "rheumatoid arthritis"


def test_numbers_and_verification() -> None:
    passage = (
        "Begin methotrexate at 15 mg once weekly and increase to 20-25 mg once weekly within 4 to 6 weeks."
    )
    assert numbers_in("1,000 units and 2.50 mg") == {"1000", "2.5"}
    assert verify_statement("Begin methotrexate at 15 mg once weekly", [passage]).supported
    wrong = verify_statement("Begin methotrexate at 10 mg once weekly", [passage])
    assert not wrong.supported and "10" in wrong.reason
    unrelated = verify_statement("Offer a calcium-channel blocker to adults of African origin", [passage])
    assert not unrelated.supported
    assert not verify_statement("Begin methotrexate", []).supported


def test_readability_orders_plain_above_dense_text() -> None:
    plain = flesch_kincaid(
        "Take one pill each week. Do not take it every day. Tell your nurse if you feel sick."
    )
    dense = flesch_kincaid(
        "Methotrexate administration necessitates haematological, hepatic and renal surveillance, "
        "particularly during the initial therapeutic intensification, "
        "because myelosuppression is unpredictable."
    )
    assert plain.flesch_kincaid_grade < 6 < dense.flesch_kincaid_grade
    assert plain.sentences == 3


def test_reference_formats() -> None:
    ref = Reference(
        number=1, source_id=3, kind="Trial", title="Randomised trial of drug D",
        authors=["Alvarez M", "Chen L"],
        journal="Journal of Tests", year=2023, doi="10.0000/x.1", pmid="00000001",
    )  # fmt: skip
    assert vancouver(ref) == (
        "Alvarez M, Chen L. Randomised trial of drug D [Trial]. Journal of Tests; 2023. "
        "PMID: 00000001. doi:10.0000/x.1."
    )
    ris = to_ris([ref])
    assert "TY  - JOUR" in ris and "AU  - Alvarez M" in ris and "DO  - 10.0000/x.1" in ris and "ER  - " in ris
    bib = to_bibtex([ref])
    assert bib.startswith("@article{alvarez2023ref1,") and "doi = {10.0000/x.1}" in bib


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        (
            "Started atorvastatin 80 mg after a stroke, LDL 3.9 mmol/L. When should I repeat the lipid panel "
            "to check the response?",
            Intent.MONITORING,
        ),
        # the case names doses; what is asked is the next step
        (
            "Child aged 8 with anaphylaxis, still wheezy after two IM epinephrine doses. Next?",
            Intent.NEXT_STEP,
        ),
    ],
)
def test_intent_reads_the_asked_part_first(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # a choice between two doses is a dose question
        ("84F new AF, weighs 57 kg. Starting Eliquis - 5 bd or 2.5 bd?", Intent.DOSING),
        ("Atorvastatin 40 mg or 80 mg after his MI?", Intent.DOSING),
        ("Pyelonephritis: treat for 7 or 14 days?", Intent.TREATMENT_CHOICE),
        # how often tests are done, asked as "is that enough?"
        ("69F on Priadel, levels always 0.7. We do levels 6-monthly - is that enough?", Intent.MONITORING),
        # "newly diagnosed" tells the case; it does not ask for a diagnosis
        (
            "76F newly diagnosed Parkinson's. Daughter read that ropinirole saves levodopa. Sensible?",
            Intent.TREATMENT_CHOICE,
        ),
        ("How is giant cell arteritis diagnosed?", Intent.DIAGNOSIS),
    ],
)
def test_intent_cues_for_dose_choices_test_intervals_and_case_wording(question: str, intent: Intent) -> None:
    assert classify_intent(question) is intent


def test_focus_roles_ignore_stated_absences_and_read_check() -> None:
    from medcite.answer.intent import focus_roles
    from medcite.answer.schema import Role

    assert Role.CAUTION not in focus_roles("Woman with dysuria, not pregnant. Best antibiotic for UTI?")
    assert Role.CAUTION in focus_roles("Woman with dysuria, 10 weeks pregnant. Best antibiotic for UTI?")
    assert Role.MONITORING in focus_roles("On methimazole for 18 months. What should I check first?")
    assert Role.REFERRAL in focus_roles("Settled after anaphylaxis. Who should follow her up?")


def test_past_history_is_not_the_condition_and_labs_name_one() -> None:
    assert (
        extract_facts(
            "61M with migraine, had an MI with two stents last year. Can I prescribe sumatriptan?"
        ).condition
        == "migraine"
    )
    facts = extract_facts("Day 9 after docetaxel, temp 38.4, neutrophils 0.4. Which antibiotic?")
    from medcite.answer.implied import condition_from_labs

    assert condition_from_labs(facts.labs) == "febrile neutropenia"
    assert extract_facts("Cannot tolerate ferrous sulfate because of nausea. Options?").inadequate_response


def test_brand_names_are_read_as_their_generic() -> None:
    assert [d.name for d in find_drugs("Can I start MST 10 mg bd as usual?")] == ["morphine"]
    assert [d.name for d in find_drugs("on Eliquis and Lipitor")] == ["apixaban", "atorvastatin"]
    assert [d.name for d in find_drugs("Can I just give her Macrobid?")] == ["nitrofurantoin"]
    assert [d.name for d in find_drugs("on Symbicort and Keppra")] == [
        "budesonide-formoterol",
        "levetiracetam",
    ]


def test_implied_conditions() -> None:
    from medcite.answer.implied import derived_conditions

    seizure = "Generalised tonic-clonic seizure going on for 6 minutes, no IV line in. What do I give first?"
    assert extract_facts(seizure).condition == "status epilepticus"
    assert derived_conditions(seizure, []) == ["status epilepticus"]
    assert derived_conditions("A 2-minute seizure that stopped on its own. Any treatment?", []) == []
    potassium = "K+ 6.4 in a patient with CKD, ECG normal. Insulin-dextrose dose?"
    facts = extract_facts(potassium)
    assert facts.condition == "chronic kidney disease"  # the named condition is the comorbidity here
    assert derived_conditions(potassium, facts.labs) == ["hyperkalaemia"]


def test_lab_names_are_not_read_as_breastfeeding_or_a_home() -> None:
    """ "lactate 1.6" is a lab and "nursing home" is where she lives; neither says she is breastfeeding."""
    assert extract_facts("79F, lactate 1.6, from a nursing home. Antibiotics?").breastfeeding is None
    assert extract_facts("34F, 3 months postpartum and breastfeeding. Which antidepressant?").breastfeeding
    assert extract_facts("Nursing mother with mastitis. Flucloxacillin safe?").breastfeeding
    assert extract_facts("Lactating woman with a UTI. Nitrofurantoin?").breastfeeding


def test_short_lab_names_clinicians_write() -> None:
    labs = extract_facts("HR 118, RR 26, K 6.1, WCC 14.2, Na 131. Plan?").labs
    assert {lab.name: lab.value for lab in labs} == {
        "HR": "118",
        "RR": "26",
        "K": "6.1",
        "WCC": "14.2",
        "Na": "131",
    }


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        # an abnormal temperature with a qSOFA sign, lactate 2 or more, or SIRS criteria: suspected sepsis
        ("88M, temp 38.9, HR 112, new confusion, BP 134/80. Antibiotics how fast?", ["sepsis"]),
        ("Temp 35.4, HR 96, RR 24 after a fall at home. What now?", ["sepsis"]),
        ("Temp 38.6, HR 104, WCC 17, BP 122/70, alert. Blood cultures first?", ["sepsis"]),
        ("Temp 38.6, lactate 3.1, BP 96/58. Fluids?", ["sepsis"]),
        # fever alone, or tachycardia without another sign, is not
        ("Temp 38.4, right loin pain and rigors, urine dip positive. Antibiotic?", ["pyelonephritis"]),
        ("Temp 38.6, HR 112, BP 124/80, not confused. Antibiotics?", []),
        ("Temp 38.2, HR 100, alert, RR 16. Viral?", []),
        ("Temp 37.1, HR 130, RR 28, confused. What now?", []),
        # neutropenia is read first: febrile neutropenia is the more specific problem
        ("Temp 38.5, HR 110, neutrophils 0.3, confused. Which antibiotic?", ["febrile neutropenia"]),
        ("K 6.4 after a crush injury, ECG normal. Calcium first?", ["hyperkalaemia"]),
    ],
)
def test_conditions_read_from_vital_signs_and_labs(question: str, implied: list[str]) -> None:
    from medcite.answer.implied import derived_conditions

    assert derived_conditions(question, extract_facts(question).labs) == implied


def test_a_yes_no_question_about_treatment_is_not_a_dose_question() -> None:
    """The case mentions a dose; what is asked is whether to treat at all."""
    question = (
        "Recurrent otitis media, his mother wants a low dose of antibiotic daily. Should I prescribe that?"
    )
    assert classify_intent(question) is Intent.TREATMENT_CHOICE
    assert classify_intent("On amlodipine 10 mg, BP 152/94. What should I add next?") is Intent.NEXT_STEP


def test_a_relative_clause_with_do_not_is_not_a_caution() -> None:
    """ "for adults ... who do not have type 2 diabetes" says whom a recommendation is for; "do not give"
    warns."""
    from medcite.answer.schema import Role
    from medcite.answer.select import classify_role

    section = ("Recommendations", "First line")
    role, _ = classify_role(
        "Offer drug F as step 1 for adults who do not have type 2 diabetes [r1].", section
    )
    assert role is Role.RECOMMENDATION
    role, _ = classify_role("Do not give drug F with drug G [r1].", section)
    assert role is Role.CAUTION


def test_follow_up_and_what_to_ask_about_ask_for_monitoring() -> None:
    from medcite.answer.intent import focus_roles
    from medcite.answer.schema import Role

    roles = focus_roles("Switching from fluoxetine to sertraline today. What follow-up does she need?")
    assert Role.MONITORING in roles
    # what to ask at a review is what to watch for
    assert Role.MONITORING in focus_roles("On ropinirole for a year. What should I ask his wife about?")


def test_asking_words_a_source_says_differently() -> None:
    """ "change" is answered by "switch", "stop" by "taper", "as usual" by "the standard" course."""
    from medcite.answer.select import answering_stems, question_weights
    from medcite.text.tokens import tokenize

    weights, _ = question_weights("Plan to change drugs. Do I stop the first one at 12 weeks as usual?")
    line = frozenset(tokenize("When switching, taper the first drug; continue beyond the standard course"))
    assert {"chang", "stop", "usual"} <= set(weights) & answering_stems(line)


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("31F, temp 38.4, loin pain. Antibiotic?", "adult"),
        ("Woman of 85 with cellulitis. Which antibiotic?", "adult"),
        ("4-month-old with bronchiolitis, sats 91%. Oxygen?", "child"),
        ("Toddler with croup. Dexamethasone dose?", "child"),
        # the patient is the mother, whatever the baby's age
        ("Her baby is 3 weeks old and she is breastfeeding. Which antidepressant?", "adult"),
        ("Born at 34 weeks' gestation, now 5 days old and jaundiced. Phototherapy?", "child"),
        ("What is the usual dose of apixaban?", None),
    ],
)
def test_age_group(question: str, group: str | None) -> None:
    assert analyse_question(question).age_group == group


def test_fever_with_loin_pain_implies_pyelonephritis() -> None:
    from medcite.answer.implied import derived_conditions

    for question in (
        "27F, temp 38.6, right loin pain, urine dip positive. Antibiotic?",
        "Rigors and left flank pain since last night, dip positive. Oral treatment?",
    ):
        assert derived_conditions(question, extract_facts(question).labs) == ["pyelonephritis"]
    lower = "Dysuria and frequency, no fever, no loin pain. Antibiotic?"  # cystitis, not pyelonephritis
    assert derived_conditions(lower, []) == ["urinary tract infection"]


def test_a_bare_ask_takes_the_sentence_before() -> None:
    """ "OK?" says that something is asked, not what: the request is in the sentence before."""
    from medcite.answer.select import asked_part

    assert asked_part("Cystitis, CrCl 42. She wants nitrofurantoin again. OK?") == (
        "She wants nitrofurantoin again. OK?"
    )
    assert asked_part("On warfarin. Starting clarithromycin. Is that all right?").startswith("Starting")
    assert asked_part("CrCl 40 mL/min. Rivaroxaban dose?") == "Rivaroxaban dose?"
    assert asked_part("HFrEF, EF 30%. Next?") == "Next?"
    # a short ask naming no drug is about the drug named just before it
    assert asked_part("Cardiology want to continue ticagrelor. Same dose?") == (
        "Cardiology want to continue ticagrelor. Same dose?"
    )


def test_adrenal_crisis_is_read_from_vomiting_or_hypotension() -> None:
    from medcite.answer.implied import derived_conditions

    for question in (
        "Addison disease, vomiting since last night. Hydrocortisone dose?",
        "Adrenal insufficiency on hydrocortisone, BP 84/50 after a fall. What now?",
    ):
        assert "adrenal crisis" in derived_conditions(question, extract_facts(question).labs)
    stable = "Addison disease, no vomiting, BP 124/78. Sick day rules?"
    assert derived_conditions(stable, extract_facts(stable).labs) == []


def test_should_i_be_checking_is_a_monitoring_question() -> None:
    assert classify_intent("On levothyroxine 75 mcg. Should we be checking TSH every month?") is (
        Intent.MONITORING
    )


def test_a_drug_named_before_prescribed_or_started_is_current() -> None:
    for question, drug in (
        ("Bell palsy since this morning. Prednisolone prescribed - what about the eye?", "prednisolone"),
        ("Amoxicillin 500 mg tds started yesterday for CAP, still febrile. Next?", "amoxicillin"),
    ):
        assert extract_facts(question).current_treatments == [drug]
    assert extract_facts("Can prednisolone be prescribed in pregnancy?").current_treatments == []


@pytest.mark.parametrize(
    ("question", "severe"),
    [
        ("32 weeks pregnant, BP 164/104 twice. What now?", True),  # 160 systolic in pregnancy
        ("30 weeks pregnant, BP 150/112. Admit?", True),  # 110 diastolic in pregnancy
        ("30 weeks pregnant, BP 150/100. Labetalol dose?", False),
        ("BP 172/104 in clinic, no symptoms. Which drug?", False),  # 180/120 outside pregnancy
        ("BP 186/100 with headache. What now?", True),
    ],
)
def test_severe_hypertension_is_read_from_the_blood_pressure(question: str, severe: bool) -> None:
    assert ("severe hypertension" in analyse_question(question).implied_conditions) is severe


def test_an_instruction_is_a_recommendation() -> None:
    from medcite.answer.schema import Role
    from medcite.answer.select import classify_role

    role, _ = classify_role(
        "Protect the eye when eye closure is impaired, with lubricating ointment and taping at night [r1].",
        ("Recommendations", "First line"),
    )
    assert role is Role.RECOMMENDATION


def test_anything_to_watch_asks_for_cautions() -> None:
    from medcite.answer.intent import focus_roles
    from medcite.answer.schema import Role

    question = "On warfarin, starting aprepitant with her chemotherapy. Anything to watch with the INR?"
    assert Role.CAUTION in focus_roles(question)
    assert classify_intent(question) is Intent.ADVERSE_EFFECTS


def test_bedside_shorthand_is_read() -> None:
    """ "T 38.4, ANC 300" is febrile neutropenia; "abx" is antibiotics, not a condition; Prolia is
    denosumab; dysuria with a positive dipstick is a urinary tract infection."""
    from medcite.answer.implied import derived_conditions

    question = "48F breast ca on chemo, T 38.4, ANC 300, looks well. Can she go home?"
    assert derived_conditions(question, extract_facts(question).labs) == ["febrile neutropenia"]
    child = "4 yo girl, dysuria and frequency, afebrile, dip nitrite+. How many days of abx?"
    assert extract_facts(child).condition is None
    assert derived_conditions(child, extract_facts(child).labs) == ["urinary tract infection"]
    assert [d.name for d in find_drugs("70F on Prolia 60 mg every 6 months")] == ["denosumab"]
    assert derived_conditions("Frequency at night, no dysuria. Cause?", []) == []


def test_dka_is_read_from_the_gases_and_ketones() -> None:
    from medcite.answer.implied import derived_conditions

    dka = "19M type 1 diabetes, pH 7.08, bicarbonate 9, ketones 6.2, glucose 28 mmol/L. Fluids?"
    assert "diabetic ketoacidosis" in derived_conditions(dka, extract_facts(dka).labs)
    mild = "T2DM, pH 7.36, glucose 14, ketones 0.4. Fine to go home?"
    assert derived_conditions(mild, extract_facts(mild).labs) == []


def test_k_is_potassium_in_thresholds_but_vitamin_k_is_not() -> None:
    from medcite.answer.thresholds import question_values, threshold_fit

    sentence = "If potassium is below 3.5 mmol/L, hold insulin and replace potassium first [r1]."
    assert threshold_fit(sentence, question_values("DKA, K 3.0, pH 7.1. Insulin now?")) == 1
    assert threshold_fit(sentence, question_values("DKA, K 4.4, pH 7.1. Insulin now?")) == -1
    assert question_values("INR 7.2, gave vitamin K 10 mg. Next?")[0].stems >= {"inr"}
    assert not [v for v in question_values("INR 7.2, gave vitamin K 10 mg. Next?") if "potassium" in v.stems]


def test_sepsis_read_from_the_observations_raises_the_red_flag() -> None:
    """No phrase says sepsis or fever here, but temp 38.2 with HR 104 and new confusion meets the
    screening criteria, so the sepsis red flag comes first; normal observations raise none."""
    flags = analyse_question(
        "82F from a care home, temp 38.2, HR 104, BP 128/76, a bit more confused. Antibiotics when?"
    ).red_flags
    assert [f.kind for f in flags] == ["possible sepsis"]
    assert "screening criteria" in flags[0].matched
    assert analyse_question("Temp 37.1, HR 80, alert. Cough for 3 days. Antibiotics?").red_flags == []
    # a phrase that already raises it is not doubled
    worded = analyse_question("Fever and confusion, temp 38.9, HR 120, RR 26. Sepsis? Antibiotics?").red_flags
    assert [f.kind for f in worded] == ["possible sepsis"]


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        # 2022 ACR/EULAR items: visual loss 3, ESR 50 or more 3, jaw claudication 2, new temporal headache 2
        ("76F new temporal headache, jaw claudication, ESR 88, transient vision loss. Steroids?", True),
        ("70M jaw claudication and scalp tenderness, CRP 40. What now?", True),
        # under 50 the criteria do not apply; a headache with a raised CRP alone is too little
        ("45F new temporal headache, jaw claudication, ESR 88. What now?", False),
        ("72M new headache, CRP 20. What now?", False),
        ("74F no jaw claudication, no visual loss, new temporal headache, ESR 30. What now?", False),
    ],
)
def test_giant_cell_arteritis_is_read_from_the_classification_items(question: str, implied: bool) -> None:
    assert ("giant cell arteritis" in analyse_question(question).implied_conditions) is implied


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("38F newly diagnosed ITP, plts 42, petechiae. Treat?", "immune thrombocytopenia"),
        ("45F Bell's palsy 3 months ago, eye still open. What now?", "palsy"),
        # a place is not a condition ("back to baseline in ED"); an abbreviation for the seizure is
        (
            "32M first GTC at home, back to baseline in ED, CT normal. Refer?",
            "generalised tonic-clonic seizure",
        ),
    ],
)
def test_conditions_read_from_shorthand(question: str, condition: str) -> None:
    assert analyse_question(question).facts.condition == condition


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("HIT, Child-Pugh C cirrhosis. What starting rate for argatroban?", Intent.DOSING),
        ("HIT, liver cirrhosis, heparin stopped. What rate do I start argatroban at?", Intent.DOSING),
        ("Metastatic prostate cancer, moving to morphine. What starting regimen?", Intent.DOSING),
        ("22M GAD, starting sertraline 50 mg today. When should I see him next?", Intent.MONITORING),
        ("Lung cancer, pain not controlled on co-codamol. How do I start morphine?", Intent.DOSING),
    ],
)
def test_dose_and_follow_up_cues(question: str, intent: Intent) -> None:
    assert analyse_question(question).intent is intent


def test_a_dose_titrated_in_the_past_is_no_dose_question() -> None:
    """ "titrated up to 300 mg" tells what was done; the question is whether to stop during a flare."""
    question = (
        "Gout, allopurinol titrated up to 300 mg, now an acute flare. He wants to stop it. What do I advise?"
    )
    assert analyse_question(question).intent is not Intent.DOSING
    assert analyse_question("Allopurinol 100 mg. How do I titrate it?").intent is Intent.DOSING


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        ("7-week-old girl, temp 38.5, poor feeding, urine dip nitrite positive. Antibiotics?", True),
        ("3-year-old, fever and dipstick leucocytes positive. Treat?", True),
        ("3-year-old, no fever, dipstick leucocytes positive. Treat?", False),
        ("3-year-old, temp 38.9, coryza, cough. Antibiotics?", False),
    ],
)
def test_fever_with_a_positive_dipstick_implies_a_uti(question: str, implied: bool) -> None:
    assert ("urinary tract infection" in analyse_question(question).implied_conditions) is implied


def test_a_cannula_gauge_is_no_dose_and_a_volume_per_kg_keeps_its_unit() -> None:
    facts = analyse_question(
        "71F urosepsis, MAP 56 after 30 mL/kg Plasma-Lyte. Only two peripheral 18G cannulas. Noradrenaline?"
    ).facts
    assert [(d.amount, d.unit) for d in facts.doses] == [("30", "mL/kg")]


@pytest.mark.parametrize(
    ("question", "too_fast"),
    [
        ("Na 108 on admission, now 121 at 14 h after a 3% bolus. What now?", True),
        ("Sodium went from 112 to 124 in 16 hours. What now?", True),
        # within the first-day limit of 10 mmol/L, or over more than a day
        ("Na 114, gave 150 mL 3% and Na now 119 at 6 h. How fast can it rise?", False),
        ("Sodium 112, now 124 at 30 hours. What now?", False),
        # the second value named again in a later sentence, its hours before it
        ("Na 114 on arrival after a seizure, three 3% boluses. Na at 10 h is 127. What now?", True),
        ("Na 120 on admission, oral fluids. Na at 20 h is 126. What now?", False),
    ],
)
def test_sodium_rising_too_fast_is_read_from_two_values(question: str, too_fast: bool) -> None:
    assert ("sodium rises too fast" in analyse_question(question).implied_conditions) is too_fast


def test_txa_is_tranexamic_acid() -> None:
    assert [d.name for d in find_drugs("PPH 1.2 L, uterus boggy. Give TXA? Dose?")] == ["tranexamic"]


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        # KDIGO 2012: creatinine at 1.5 times baseline or more
        ("68M day 3 after a hip replacement, creat 90 -> 170, passing little urine. Fluids?", True),
        ("Creatinine went from 80 umol/L to 150 umol/L over 2 days. What now?", True),
        # a rise below 1.5 times, and two numbers that are not creatinine
        ("CKD 3a, ramipril 2.5 -> 10 mg, creatinine 128 -> 152. Stop the ACE inhibitor?", False),
        ("Metformin 500 -> 1000 mg bd, creatinine 88. OK?", False),
    ],
)
def test_acute_kidney_injury_is_read_from_a_creatinine_rise(question: str, implied: bool) -> None:
    assert ("acute kidney injury" in analyse_question(question).implied_conditions) is implied


@pytest.mark.parametrize(
    ("question", "implied"),
    [
        # NICE CG191: symptoms of a chest infection with new shadowing on the chest X-ray
        ("41F productive cough, temp 38.6, left lower lobe consolidation on CXR. Antibiotic?", True),
        ("CXR shows right middle lobe consolidation, febrile. Which antibiotic?", True),
        ("70M CURB-65 of 3, on the ward. Antibiotics?", True),
        ("Cough for 2 weeks, CXR clear, no fever. Antibiotics?", False),
        ("No consolidation on CXR, dry cough. What now?", False),
    ],
)
def test_pneumonia_is_read_from_consolidation_or_its_severity_score(question: str, implied: bool) -> None:
    assert ("pneumonia" in analyse_question(question).implied_conditions) is implied


def test_a_tonic_clonic_seizure_of_five_minutes_is_status_epilepticus() -> None:
    implied = analyse_question(
        "Generalised tonic-clonic for 8 min in the waiting room. Drug?"
    ).implied_conditions
    assert "status epilepticus" in implied
    short = analyse_question("Tonic-clonic for 2 minutes, now drowsy. Drug?").implied_conditions
    assert "status epilepticus" not in short


@pytest.mark.parametrize(
    ("question", "no_oral_route"),
    [
        ("2yo with AOM, vomiting every dose of amoxicillin. What now?", True),
        ("Can't keep any medicine down since last night, BP 84/50. What now?", True),
        ("NBM after a laparotomy, on warfarin. Bridging?", True),
        ("Unable to swallow after the stroke, needs aspirin. Route?", True),
        ("Vomited twice yesterday, now eating. Which antiemetic?", False),
    ],
)
def test_a_case_that_cannot_take_oral_treatment(question: str, no_oral_route: bool) -> None:
    """Said in the case's words, read in the words sources use for a parenteral route's condition."""
    from medcite.answer.implied import derived_states

    assert bool(derived_states(question)) is no_oral_route


def test_an_implied_condition_the_question_names_by_abbreviation_adds_nothing() -> None:
    from medcite.answer.service import unnamed_implied

    named = analyse_question("Creatinine went from 80 to 150 umol/L in 36 h. Is this AKI? Furosemide?")
    assert "acute kidney injury" in named.implied_conditions
    assert unnamed_implied(named) == []
    unnamed = analyse_question("Creatinine went from 80 to 150 umol/L in 36 h. Furosemide?")
    assert unnamed_implied(unnamed) == ["acute kidney injury"]


@pytest.mark.parametrize(
    ("question", "implied", "ruled_out"),
    [
        # CDC 2021: a nontreponemal and a treponemal test; no signs is latent, of unknown duration unless
        # it was acquired within the past year
        (
            "40M, RPR 1:16, TPPA positive, no symptoms, never tested before. How do I treat?",
            ["syphilis", "latent syphilis of unknown duration"],
            ["early syphilis"],
        ),
        (
            "RPR 1:32, TPPA reactive, asymptomatic; negative screen 6 months ago. Treatment?",
            ["syphilis", "early latent syphilis"],
            ["late latent syphilis"],
        ),
        ("Painless penile ulcer, RPR 1:64 and TPPA positive. Treatment?", ["syphilis"], []),
        # one test alone is not the diagnosis
        ("RPR 1:2, no symptoms. Treat?", [], []),
        ("Non-treponemal test reactive, RPR 1:4, asymptomatic. Treat?", [], []),
    ],
)
def test_syphilis_and_its_stage_are_read_from_serology(
    question: str, implied: list[str], ruled_out: list[str]
) -> None:
    from medcite.answer.implied import ruled_out_states

    found = [c for c in analyse_question(question).implied_conditions if "syphilis" in c]
    assert found == implied
    assert ruled_out_states(question) == ruled_out
