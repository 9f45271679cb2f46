"""Patient renderings keep meaning: bulleted lists, clause cuts and the readability units that score them.

The rules are tested on sentences written for these tests and then over every prose sentence of the
starter library (about 1,100 real guideline sentences): each rendering keeps the numbers, drug names and
the words that carry conditions and negations, and a list changes the layout only, never the words.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from medcite.answer.drugs import find_drugs
from medcite.answer.lists import LIST_ITEM, find_list, lay_out, split_blocks
from medcite.answer.plain import plain_text
from medcite.answer.readability import flesch_kincaid, syllables, units
from medcite.answer.verify import numbers_in, verify_plain
from medcite.library import library_path
from medcite.text.markers import strip_markers
from medcite.text.sentences import split_sentences

# Words that carry a condition, a restriction or a negation: a rendering never has fewer of them.
KEPT_WORDS = ("only", "unless", "or", "if", "when", "not", "no", "without", "except", "never", "avoid")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['/.-][A-Za-z0-9]+)*")


def _count(word: str, text: str) -> int:
    return len(re.findall(rf"\b{word}\b", text, re.I))


@cache
def library_sentences() -> list[str]:
    """Every prose sentence of the starter library's topics (front matter, headings, tables and the
    reference list left out)."""
    out: list[str] = []
    for path in sorted(library_path().rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        body = re.split(r"^#+ References", body, flags=re.M)[0]
        for line in body.splitlines():
            if line.strip() and not line.lstrip().startswith(("#", "|", "-")):
                out += [s for s in split_sentences(line.strip()) if len(s.split()) > 3]
    return out


# ---- lists, on sentences written for these tests ------------------------------------------------


def test_a_long_list_after_a_short_lead_in_becomes_bullets_with_every_word_kept() -> None:
    text = "Avoid the drug with inducers such as rifampicin, oral carbamazepine, phenytoin or St John's wort."
    plain = plain_text(text)
    assert plain == (
        "Avoid the drug with inducers such as:\n- rifampicin,\n- oral carbamazepine,\n- phenytoin, or\n"
        "- St John's wort."
    )
    assert verify_plain(text, plain).supported
    assert _WORD.findall(plain) == _WORD.findall(text)  # the layout changes, the words do not


def test_the_conjunction_stays_so_any_and_all_read_as_before() -> None:
    any_of = find_list("Do not use aspirin, ibuprofen, naproxen or diclofenac.")
    all_of = find_list("Check weight, blood pressure, kidney function and potassium.")
    assert any_of is not None and any_of.conjunction == "or" and any_of.lead == "Do not use"
    assert all_of is not None and all_of.conjunction == "and"
    assert lay_out(any_of).endswith("- naproxen, or\n- diclofenac.")


def test_conditions_after_when_are_listed_with_their_own_verbs() -> None:
    text = (
        "Refer to a kidney specialist when the eGFR is below 30, protein in the urine is very high, "
        "or kidney function falls fast."
    )
    plain = plain_text(text)
    assert "when:\n- the eGFR is below 30,\n- protein in the urine is very high, or\n" in plain
    assert plain.endswith("- kidney function falls fast.")
    assert verify_plain(text, plain).supported


@pytest.mark.parametrize(
    "sentence",
    [
        # the items share the last item's noun: "heart disease", "lung disease", ...
        "Give the vaccine to people with long-term heart, lung, liver or kidney disease.",
        # a trailing phrase may qualify every item
        "Check glucose, sodium, potassium and bicarbonate closely until the acidosis resolves.",
        # the first comma closes an opening condition
        "For women with low bone mass, weigh benefits, harms and fracture risk.",
        # the list opened at the colon; "including" is inside its first item
        "Take account of risk factors: lung disease including dysplasia, heart disease, age under 3 months "
        "and prematurity.",
        # one comma only: it may close a condition instead of separating items
        "For people who cannot take triptans or have not responded, the guideline considers gepants and "
        "lasmiditan appropriate options.",
        # a long lead-in would be read again with every item
        "Start oral anticoagulation in people with atrial fibrillation and a high stroke risk score who have "
        "no contraindication with apixaban, rivaroxaban, edoxaban or dabigatran.",
        # the last item only completes the one before
        "Reduce the dose if at least 2 of: age 80 years or more, weight 60 kg or less, creatinine 1.5 mg/dL "
        "or more.",
    ],
)
def test_lists_that_could_read_differently_stay_sentences(sentence: str) -> None:
    assert find_list(sentence) is None
    assert LIST_ITEM not in plain_text(sentence)


def test_participles_and_instructions_after_a_comma_become_sentences() -> None:
    assert plain_text(
        "Decide on dialysis with the kidney team, weighing the whole clinical picture and trends in results."
    ) == ("Decide on dialysis with the kidney team. Weigh the whole clinical picture and trends in results.")
    # an opening condition is written again on every clause cut from it
    assert plain_text(
        "Offer another SSRI or an SNRI to the person, taking account of withdrawal symptoms, side effects "
        "and interactions."
    ) == (
        "Offer another SSRI or an SNRI to the person. Take account of withdrawal symptoms, side effects and "
        "interactions."
    )


def test_an_opening_condition_shared_by_several_instructions_is_written_once_above_them() -> None:
    text = (
        "If sertraline is ineffective, offer another SSRI or an SNRI, taking account of withdrawal symptoms, "
        "side effects and interactions."
    )
    plain = plain_text(text)
    assert plain == (
        "If sertraline is not working:\n- offer another SSRI or an SNRI, and\n"
        "- take account of withdrawal symptoms, side effects and interactions."
    )
    assert verify_plain(text, plain).supported
    # scored as the condition with each instruction, as the sentences "If A, do B. If A, do C." would be
    assert units(plain)[0] == "If sertraline is not working: offer another SSRI or an SNRI, and"
    # a part that points back would seem to cover every item: then the condition is written again
    kept = plain_text(
        "If potassium is high, stop the drug that raised it, recheck potassium and kidney function "
        "within one week because the level can rise again quickly."
    )
    assert kept == (
        "If potassium is high, stop the drug that raised it. If potassium is high, recheck potassium and "
        "kidney function within one week. This is because the level can rise again quickly."
    )


def test_a_condition_after_two_joined_instructions_is_not_pointed_at_both() -> None:
    text = "Review the urine culture result and change to an active agent if the organism is resistant."
    assert "This applies" not in plain_text(text)


def test_a_clause_after_and_needs_its_own_subject() -> None:
    split = plain_text(
        "Stopping any blood thinner early raises the risk of clots, and spinal puncture carries a risk of "
        "bleeding around the spine."
    )
    assert split.count(". ") == 1 and "Spinal puncture carries" in split
    kept = plain_text(
        "JAK inhibitors carry boxed warnings for serious infections and cancer, and in the US are limited to "
        "people with a poor response to TNF inhibitors."
    )
    assert "In the US are" not in kept


def test_examples_are_split_off_only_when_the_sentence_ends_with_them() -> None:
    for text in (
        "Assess for features of severe disease, such as a high white cell count or a raised creatinine, and "
        "for fulminant colitis.",
        "For patients not at target on a biologic, such as after a TNF inhibitor fails, switching to another "
        "class is suggested.",
    ):
        assert "Examples are" not in plain_text(text), text


# ---- readability: what the grade counts ------------------------------------------------------------


def test_a_list_is_scored_as_lead_in_plus_item_per_item() -> None:
    text = "Avoid these medicines:\n- aspirin,\n- ibuprofen, or\n- naproxen."
    assert units(text) == [
        "Avoid these medicines: aspirin,",
        "Avoid these medicines: ibuprofen, or",
        "Avoid these medicines: naproxen.",
    ]
    r = flesch_kincaid(text)
    assert r.sentences == 3 and r.words == 3 * (3 + 1) + 1  # the lead-in's words count once per item


def test_prose_is_scored_as_before_for_every_audience() -> None:
    text = "Hypertension is common. Measure blood pressure in both arms; repeat it after 5 mg. Oral. Daily."
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text)
    r = flesch_kincaid(text)
    assert r.words == len(words)
    expected = 0.39 * len(words) / r.sentences + 11.8 * sum(syllables(w) for w in words) / len(words) - 15.59
    assert r.flesch_kincaid_grade == round(expected, 1)


def test_blocks_keep_prose_after_a_list_apart_from_the_last_item() -> None:
    plain = "Refer when:\n- A is high,\n- B is low, or\n- C is fast.\nManage in a team."
    assert split_blocks(plain) == [
        "Refer when:",
        ["A is high,", "B is low, or", "C is fast."],
        "Manage in a team.",
    ]
    assert split_blocks("- not a list without a lead-in") == ["- not a list without a lead-in"]


# ---- over every sentence of the starter library ----------------------------------------------------


def test_the_library_has_enough_sentences_to_test_on() -> None:
    assert len(library_sentences()) > 1000


def test_every_library_rendering_keeps_numbers_drugs_conditions_and_negations() -> None:
    lists = 0
    for sentence in library_sentences():
        source, plain = strip_markers(sentence), plain_text(sentence)
        assert numbers_in(plain) == numbers_in(source), (source, plain)
        drugs = {d.name.lower() for d in find_drugs(source)} - {d.name.lower() for d in find_drugs(plain)}
        assert not drugs, (source, plain)
        for word in KEPT_WORDS:
            assert _count(word, plain) >= _count(word, source), (word, source, plain)
        assert verify_plain(sentence, plain).supported, (source, plain)
        lists += LIST_ITEM in plain
    assert lists >= 10  # the list layout is exercised on real sentences, not only on written ones


def test_every_library_list_changes_the_layout_only() -> None:
    """Words are never added or lost by a list (only an opening condition, written once above its items
    instead of on each sentence, and the "and" that joins them); a run-in list keeps every word in order."""
    checked = in_order = 0
    for sentence in library_sentences():
        plain = plain_text(sentence)
        if LIST_ITEM not in plain:
            continue
        flat = plain_text(sentence, lists=False)
        assert set(_WORD.findall(plain)) - {"and"} == set(_WORD.findall(flat)) - {"and"}, (plain, flat)
        for block in split_blocks(plain):
            if isinstance(block, list):
                assert len(block) >= 2 and block[-1].endswith(".")
                assert re.search(r", (?:and|or|and/or)$", block[-2]), block
        found = find_list(strip_markers(sentence))
        if found is not None:
            assert _WORD.findall(lay_out(found)) == _WORD.findall(strip_markers(sentence))
            in_order += 1
        checked += 1
    assert checked >= 10 and in_order >= 3
