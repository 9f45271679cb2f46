"""A long opening condition before one instruction moves behind it, still attached ("This is for ...").

Tested on sentences written for these tests (what moves and what never does) and then over every prose
sentence of the starter library: a moved sentence keeps every word, number, drug and negation, the
instruction is one clause, and the condition follows it at once, whole, in its own words.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from medcite.answer.drugs import find_drugs
from medcite.answer.instructions import COORDINATED
from medcite.answer.plain import move_condition, plain_text
from medcite.answer.verify import numbers_in, verify_plain
from medcite.text.markers import strip_markers
from test_answer_plain_lists import KEPT_WORDS, _count, library_sentences

_WORD = re.compile(r"[A-Za-z0-9]+(?:['/.+-][A-Za-z0-9]+)*")
_BACK = re.compile(r"^This (?:is for|applies (?:if|when|where|in)) ")


def test_a_long_condition_goes_after_its_one_instruction() -> None:
    text = (
        "For adults under 65 with symptoms and a TSH above the reference range but below 10 mU/L on two "
        "tests 3 months apart, consider a 6-month trial of levothyroxine."
    )
    plain = plain_text(text)
    assert plain == (
        "Think about a 6-month trial of levothyroxine. This is for adults under 65 with symptoms and a TSH "
        "above the reference range but below 10 mU/L on two tests 3 months apart."
    )
    assert verify_plain(text, plain).supported
    assert plain_text(
        "If exacerbations occur on LABA+LAMA and blood eosinophils are 100 cells/microlitre or more, "
        "escalate to LABA+LAMA+ICS."
    ) == (
        "Step up to LABA+LAMA+ICS. This applies if flare-ups occur on LABA+LAMA and blood eosinophils are "
        "100 cells/microlitre or more."
    )


@pytest.mark.parametrize(
    "sentence",
    [
        # a negation in the condition stays where the source put it
        "For people not in hospital without other health problems, give amoxicillin 1 g three times daily.",
        "If the person cannot swallow tablets or has severe vomiting, give the drug by injection.",
        # "only" and "unless" restrict: they stay first
        "Only for adults with confirmed disease and raised markers, start the second drug at a low dose.",
        # two instructions: the condition may belong to one of them only
        "For heart dysfunction with lasting low perfusion despite enough fluid, add dobutamine or switch to "
        "epinephrine.",
        "For adults with kidney disease and raised potassium, stop the drug and check potassium in 1 week.",
        # the instruction has its own condition or a negation
        "For women with severe high blood pressure in pregnancy, give magnesium if seizures occur.",
        "For adults with heart failure and a low ejection fraction, do not use diltiazem.",
        # a short condition stays first (the guidance: a few words that avoid misleading go first)
        "For children, give amoxicillin 40 mg/kg per day in two doses for five days with food.",
        # a condition inside the condition
        "For penicillin allergy or when flucloxacillin is unsuitable, use clarithromycin or doxycycline.",
        # a list after the instruction: "This" could seem to point at its last item
        "For adults with a high stroke risk and a recent clot, use apixaban, rivaroxaban, edoxaban or "
        "dabigatran.",
    ],
)
def test_a_condition_that_could_detach_or_belongs_to_part_stays_first(sentence: str) -> None:
    assert move_condition(sentence) is None
    plain = plain_text(sentence)
    assert plain.split()[0].lower() in {"for", "if", "only", "in"}, plain  # the condition still leads
    assert not re.search(r"\. This (?:is for|applies (?:if|when|where|in)) ", plain), plain


def test_a_sentence_that_points_back_keeps_the_instruction_before_it() -> None:
    text = (
        "For adults with severe disease and a high risk of clots, give the drug for 6 weeks. This lowers the "
        "risk of clots."
    )
    plain = plain_text(text)
    assert plain.startswith(
        "For adults with severe disease"
    )  # "This lowers" must still follow the instruction


def _moved(sentence: str) -> tuple[str, str, str, str] | None:
    """(source, condition, instruction, plain) for a library sentence the rule moves."""
    source = strip_markers(sentence)
    plain = plain_text(sentence, words=False, lists=False)
    if plain == plain_text(sentence, words=False, lists=False, moves=False):
        return None
    m = re.match(r"(.+?\.) (This (?:is for|applies \w+) .+)$", plain)
    assert m, plain
    return source, m.group(2), m.group(1), plain


def test_every_moved_library_sentence_keeps_its_words_and_attaches_the_condition() -> None:
    moved = 0
    for sentence in library_sentences():
        found = _moved(sentence)
        if found is None:
            continue
        source, back, instruction, plain = found
        moved += 1
        # the same words: the source's words, with "This is" or "This applies" added before the condition
        # ("In adults ..." reads "This is for adults ...": "in" becomes "for", nothing else goes)
        source_words = Counter(w.lower() for w in _WORD.findall(source))
        plain_words = Counter(w.lower() for w in _WORD.findall(plain))
        assert set(plain_words - source_words) <= {"this", "is", "applies", "for"}, (source, plain)
        assert set(source_words - plain_words) <= {"in"}, (source, plain)
        # the instruction is one clause with no condition, negation or second instruction of its own
        assert not re.search(r"\b(?:if|when|unless|only|not|no|except|where)\b|;", instruction, re.I), plain
        assert not COORDINATED.search(instruction), plain
        # the condition follows the instruction at once, whole, and holds no negation or restriction
        condition = back.split(" ", 3)[3]
        assert condition.rstrip(".") in source, (source, plain)
        assert not re.search(r"\b(?:not|no|without|never|cannot|only|unless|except)\b", condition, re.I)
        # the shown rendering (with the lexicon) keeps numbers, drugs, negations and condition words
        shown = plain_text(sentence)
        moved_condition = shown.split(". ", 1)[1]
        assert not re.search(r"\b(?:not|no|without|never|cannot|only|unless|except)\b", moved_condition, re.I)
        assert numbers_in(shown) == numbers_in(source)
        assert {d.name.lower() for d in find_drugs(source)} <= {d.name.lower() for d in find_drugs(shown)}
        for word in KEPT_WORDS:
            assert _count(word, shown) >= _count(word, source), (word, source, shown)
        assert verify_plain(sentence, shown).supported, (source, shown)
        assert shown.count(". This ") == 1 and _BACK.match(shown.split(". ", 1)[1]), shown
    assert moved >= 15  # exercised on real guideline sentences, not only on written ones
