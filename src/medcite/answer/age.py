"""The patient's age as a question states it: "61M", "3yo", "72-year-old", "aged 80", "8-week-old".

One reading for the whole pipeline: the case summary shows it in years, and a recommendation's age
condition ("children 3 months or older", "adults under 65") is compared with it in the unit the
condition uses, so an 8-week-old is not "3 months or older" and a 2-year-old is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_YEARS = re.compile(
    r"\b(?P<a>\d{1,3})[- ]?(?:year|yr)s?[- ]?old\b|\baged?\s*(?P<b>\d{1,3})\b|"
    r"\b(?P<c>\d{1,3})\s*(?:yo|y/o|y\.o\.)"
    r"(?!\w)|\b(?P<d>\d{1,3})\s?(?P<sx>[MF])\b",
)
# "8-week-old", "10 days old", "6 month old": an infant (not "16 weeks pregnant", which is no age)
_UNDER_ONE = re.compile(r"\b(?P<n>\d{1,3})[- ]?(?P<unit>day|week|month)s?[- ]?old\b", re.I)
_UNITS_PER_YEAR = {"year": 1.0, "month": 12.0, "week": 52.0, "day": 365.0}


@dataclass(frozen=True)
class StatedAge:
    years: float
    unit: Literal["year", "month", "week", "day"]  # the unit the question used
    sex: Literal["female", "male"] | None = None  # from "61M" / "38F"

    def in_unit(self, unit: str) -> float:
        """The age in "year", "month", "week" or "day"."""
        return self.years * _UNITS_PER_YEAR[unit]


def stated_age(text: str) -> StatedAge | None:
    """The first age the question states, or None (also for an implausible one, "aged 300")."""
    years = _YEARS.search(text)
    infant = _UNDER_ONE.search(text)
    if infant and (years is None or infant.start() < years.start()):
        unit = infant.group("unit").lower()
        value = int(infant.group("n"))
        if value == 0:
            return None
        return StatedAge(value / _UNITS_PER_YEAR[unit], unit)  # type: ignore[arg-type]
    if years is None:
        return None
    value = next(int(g) for g in years.group("a", "b", "c", "d") if g)
    if not 0 < value < 120:
        return None
    sx = years.group("sx")
    return StatedAge(float(value), "year", "male" if sx == "M" else "female" if sx == "F" else None)
