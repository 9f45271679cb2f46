"""Conditions in words, read against what a case states (`medcite.answer.conditions`)."""

from __future__ import annotations

import pytest

from medcite.answer.conditions import CaseReading, condition_fit, denies_condition
from medcite.answer.select import question_weights
from medcite.answer.thresholds import negated_terms, question_values
from medcite.text.tokens import tokenize


def _case(case: str, asked: str = "What next?") -> CaseReading:
    question = f"{case} {asked}"
    weights, aliases = question_weights(question)
    return CaseReading(
        values=question_values(question),
        stems=frozenset(tokenize(case)),
        question_terms=frozenset(weights),
        aliases=aliases,
    )


@pytest.mark.parametrize(
    ("case", "sentence", "title", "expected"),
    [
        # a finding named by its synonym: "peaked T waves" are ECG changes
        (
            "Potassium 7.1 with peaked T waves.",
            "If there are ECG changes of hyperkalaemia, give intravenous calcium gluconate.",
            "",
            1,
        ),
        # who the sentence is about, with the topic's own disease counted as stated
        (
            "On levothyroxine, positive pregnancy test.",
            "Women with hypothyroidism who become pregnant need a higher levothyroxine dose.",
            "Primary hypothyroidism in adults",
            1,
        ),
        # one alternative of an "or" is enough
        (
            "Cellulitis with penicillin allergy.",
            "For penicillin allergy or when flucloxacillin is unsuitable, use clarithromycin.",
            "",
            1,
        ),
        # a trailing condition
        (
            "3-year-old with AOM who had amoxicillin 3 weeks ago.",
            "Use amoxicillin-clavulanate when the child has had amoxicillin in the past 30 days.",
            "",
            1,
        ),
        # only some words stated: not met
        (
            "Type 2 diabetes on metformin.",
            "In adults with type 2 diabetes and heart failure, use an SGLT2 inhibitor.",
            "",
            0,
        ),
        # a negated condition cannot be read from the words
        ("Responded to treatment C before.", "If treatment C has not helped before, add drug D.", "", 0),
        # severe-only advice for a case that states no severity counts against
        ("First recurrence of C. difficile.", "For fulminant CDI, give high-dose oral vancomycin.", "", -0.5),
        # "without bleeding" for a bleeding patient
        (
            "On warfarin, INR 6.8, acute subdural.",
            "For an INR between 4.5 and 10 without bleeding, hold warfarin.",
            "",
            -1,
        ),
        # an exclusion in a relative clause, after "without X" (which the case also meets)
        (
            "52-year-old woman of Black African family origin, BP 158/96.",
            "For adults under 55 without diabetes who are not of Black African family origin, start drug E.",
            "",
            -1,
        ),
        # "except in X" for a case with X
        (
            "New AF, moderate-to-severe rheumatic mitral stenosis on echo.",
            "Prefer drug H over drug J, except in moderate-to-severe rheumatic mitral stenosis [r1].",
            "",
            -1,
        ),
        # "other than X" after X
        (
            "Still positive after 14 days of regimen K.",
            "For persistent infection after a first course other than regimen K, use regimen K again [r1].",
            "",
            -1,
        ),
        # "for patients with X or Y" anywhere in the sentence, met by one alternative
        (
            "New AF, moderate-to-severe rheumatic mitral stenosis on echo.",
            "Drug J is the anticoagulant for patients with a mechanical heart valve or moderate-to-severe "
            "rheumatic mitral stenosis [r1].",
            "",
            1,
        ),
        # not excluded: the age threshold decides, as for any sentence with one
        (
            "52-year-old white woman, BP 158/96.",
            "For adults under 55 without diabetes who are not of Black African family origin, start drug E.",
            "",
            0.5,
        ),
    ],
)
def test_condition_fit(case: str, sentence: str, title: str, expected: float) -> None:
    assert condition_fit(sentence, title, _case(case)) == expected


def test_prior_treatment_counts() -> None:
    """ "At least two previous antidepressants" is met by a case naming two that failed, not one; a
    class count ("two oral triptans") counts only drugs of that class; "two courses" repeats one."""

    def case(drugs: set[str]) -> CaseReading:
        return CaseReading(
            values=[],
            stems=frozenset(),
            question_terms=frozenset(),
            aliases={},
            failing=True,
            failing_drugs=frozenset(drugs),
        )

    vortioxetine = (
        "Consider vortioxetine only when there has been no or limited response to at least two previous "
        "antidepressants."
    )
    assert condition_fit(vortioxetine, "", case({"sertraline"})) == -1
    assert condition_fit(vortioxetine, "", case({"sertraline", "mirtazapine"})) == 1
    cgrp = "Use a CGRP antibody when at least two established oral preventive drugs have failed."
    assert condition_fit(cgrp, "", case({"propranolol", "topiramate"})) == 1
    gepants = "For people who have not responded to at least two oral triptans, consider gepants."
    assert condition_fit(gepants, "", case({"propranolol", "topiramate"})) == -1
    assert (
        condition_fit(
            "If the score keeps falling after two courses of treatment C, add drug E.",
            "",
            case({"drug a", "drug b"}),
        )
        == 0
    )


@pytest.mark.parametrize(
    ("case", "sentence", "expected"),
    [
        # "for non-pregnant adults" is not for a pregnant patient
        (
            "27F, 16 weeks pregnant, secondary syphilis, hives with amoxicillin as a child.",
            "For non-pregnant adults with penicillin allergy and early syphilis, use drug D.",
            -1,
        ),
        # a kind of drug ("non-steroidal") is no state of the patient
        ("68M on prednisolone for PMR, knee pain.", "Avoid non-steroidal anti-inflammatory drugs in CKD.", 0),
    ],
)
def test_a_non_state_excludes_a_patient_in_that_state(case: str, sentence: str, expected: float) -> None:
    assert condition_fit(sentence, "", _case(case)) == expected


def test_a_condition_the_case_denies() -> None:
    """ "For penicillin allergy or when flucloxacillin is unsuitable" is denied by "no penicillin allergy"
    (its other alternative is not stated); one alternative the case states keeps the sentence."""
    question = "55-year-old with leg cellulitis, no penicillin allergy. Which antibiotic?"
    weights, aliases = question_weights(question)
    negated = frozenset(s for stems in negated_terms(question) for s in stems)
    case = CaseReading(
        values=question_values(question),
        stems=frozenset(tokenize(question)) - negated,
        question_terms=frozenset(weights),
        aliases=aliases,
        negated=negated,
    )
    assert denies_condition("For penicillin allergy or when flucloxacillin is unsuitable, use drug C.", case)
    assert not denies_condition("For penicillin allergy or leg cellulitis, use drug C.", case)
    assert not denies_condition("For penicillin allergy in pregnancy, use drug E.", case)
    assert not denies_condition("Use drug F for 5 days.", case)


def test_a_condition_the_case_states_the_opposite_of() -> None:
    """ "For VTE provoked by surgery" is not for an unprovoked PE, nor "for controlled asthma" for
    uncontrolled asthma."""
    pe = _case("52M first unprovoked PE, 6 months of apixaban.")
    assert denies_condition("For VTE provoked by surgery, stop anticoagulation after 3 months.", pe)
    assert not denies_condition("For unprovoked VTE, offer extended anticoagulation.", pe)
    asthma = _case("Uncontrolled asthma on ICS-formoterol.")
    assert denies_condition("For controlled asthma, step down the ICS dose.", asthma)


def test_a_condition_denied_in_other_words() -> None:
    """ "no heart disease" denies "In patients with cardiovascular disease" (a synonym of the search
    vocabulary, read word by word); "known heart disease" keeps the sentence."""
    sentence = "In patients with cardiovascular disease, transfuse at a higher level."
    assert denies_condition(sentence, _denying_case("66M melaena, Hb 7.6 g/dL, no heart disease. Transfuse?"))
    assert not denies_condition(
        sentence, _denying_case("66M melaena, Hb 7.6 g/dL, heart disease. Transfuse?")
    )


def _denying_case(question: str) -> CaseReading:
    weights, aliases = question_weights(question)
    negated = frozenset(s for stems in negated_terms(question) for s in stems)
    return CaseReading(
        values=question_values(question),
        stems=frozenset(tokenize(question)) - negated,
        question_terms=frozenset(weights),
        aliases=aliases,
        negated=negated,
    )


@pytest.mark.parametrize(
    ("drugs", "expected"),
    [
        # the patient takes nothing the sentence's drug could be combined with
        ({"apixaban"}, -1),
        # the case names one of the drugs the advice is for
        ({"apixaban", "itraconazole"}, 1),
        # another drug, which the "such as" list may leave out: no verdict
        ({"apixaban", "clarithromycin"}, 0),
    ],
)
def test_advice_for_a_combination_needs_the_other_drug(drugs: set[str], expected: int) -> None:
    from medcite.answer.conditions import interaction_fit

    sentence = (
        "Apixaban needs a 50% dose reduction when taken with strong CYP3A4 and P-gp inhibitors such as "
        "ketoconazole, itraconazole or ritonavir."
    )
    case = CaseReading(
        values=[], stems=frozenset(), question_terms=frozenset(), aliases={}, drugs=frozenset(drugs)
    )
    assert interaction_fit(sentence, case) == expected
    assert interaction_fit("Start apixaban 5 mg twice daily.", case) == 0


def test_an_allergy_the_case_does_not_state_is_not_met() -> None:
    sentence = "For adults with penicillin allergy and early syphilis, use doxycycline 100 mg twice daily."
    assert condition_fit(sentence, "", _case("45M, RPR 1:8, TPPA reactive.", "Bicillin regimen?")) < 0
    assert condition_fit(sentence, "", _case("45M, RPR 1:8, TPPA reactive, penicillin allergy.")) >= 0
