"""Time since an event: as the case states it, as advice limits it, and whether the case is inside."""

from __future__ import annotations

import pytest

from medcite.answer.elapsed import Elapsed, Window, elapsed_fit, stated_elapsed, windows


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("NVD 1 h ago, PPH 1.2 L, 1 g TXA given 35 min ago.", [Elapsed(1.0, "birth")]),
        ("42F facial weakness, onset 36 h ago.", [Elapsed(36.0, "onset")]),
        ("Symptoms started 5 days ago.", [Elapsed(120.0, "onset")]),
        ("2yo with AOM, day 3 of amoxicillin.", [Elapsed(48.0, "start")]),
        ("28F, 2 days dysuria and frequency.", [Elapsed(48.0, "onset")]),
        ("3-day history of fever and cough.", [Elapsed(72.0, "onset")]),
        # how long a treatment has run is not how long the illness has
        ("On prednisolone 5 mg for 3 days now.", []),
        ("Had pred 50 mg od x10 days from day 2.", []),
        # "now 15 weeks on" dates the illness the case is about
        ("Bell's palsy. Now 15 weeks on, still weak.", [Elapsed(2520.0, "onset")]),
        ("6 weeks later and no better.", [Elapsed(1008.0, "onset")]),
        ("74-year-old, 70 kg, BP 150/90.", []),
    ],
)
def test_times_the_case_states(question: str, expected: list[Elapsed]) -> None:
    assert stated_elapsed(question) == expected


def test_windows_advice_sets() -> None:
    assert windows("Prescribe oral corticosteroids within 72 hours of symptom onset.") == [
        Window(None, 72.0, "onset")
    ]
    assert windows("Do not start tranexamic acid more than 3 hours after birth.") == [
        Window(3.0, None, "birth")
    ]
    assert windows("Reassess if no better within 48-72 hours of starting antibiotics.") == [
        Window(None, 72.0, "start")
    ]
    # a window from an event of no known kind is not read
    assert windows("Start within 36 hours of the last ACE inhibitor dose.") == []


def test_inside_or_outside_the_window() -> None:
    late = "Do not start tranexamic acid more than 3 hours after birth."
    assert elapsed_fit(late, stated_elapsed("NVD 1 h ago, still bleeding.")) == -1
    assert elapsed_fit(late, stated_elapsed("Delivered 5 hours ago, still bleeding.")) == 1
    steroids = "Prescribe oral corticosteroids within 72 hours of symptom onset."
    assert elapsed_fit(steroids, stated_elapsed("Facial palsy, onset 36 h ago.")) == 1
    assert elapsed_fit(steroids, stated_elapsed("Facial palsy, onset 5 days ago.")) == -1
    # no time since that event in the case: nothing to say
    assert elapsed_fit(steroids, stated_elapsed("NVD 1 h ago.")) == 0
