"""Values typed on the command line: an audit date (`--as-of 2018-12-31`) and a duration
(`--within 30j`), each with a French error saying what is wrong, not only what is expected."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import click

from .dates import parse_day


class IsoDate(click.ParamType):
    name = "AAAA-MM-JJ"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = parse_day(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        from .model import date_out_of_range
        if why := date_out_of_range(day):
            self.fail(why, param, ctx)
        return day


# unit -> (the words a DPO writes for it, its French name singular and plural, the largest count)
# The largest counts keep every window within ten years (3660 days), the bound --within always had.
MAX_DAYS = 3660
_UNITS = {
    "j": (("j", "jour", "jours"), ("jour", "jours"), MAX_DAYS),
    "s": (("s", "sem", "semaine", "semaines"), ("semaine", "semaines"), MAX_DAYS // 7),
    "m": (("m", "mois"), ("mois", "mois"), 120),
    "a": (("a", "an", "ans", "annee", "année", "annees", "années"), ("an", "ans"), 10),
}
_WORDS = {word: unit for unit, (words, _, _) in _UNITS.items() for word in words}
_DURATION = re.compile(r"^(\d{1,6})\s*([^\W\d_]*)\.?$")


@dataclass(frozen=True)
class Duration:
    """A count of days, weeks, calendar months or years, measured from the audit date."""

    count: int
    unit: str  # a key of _UNITS

    def days_from(self, start: date) -> int:
        """The number of days from `start` to the end of the duration (a month: the same day of
        the month `count` months later, or that month's last day)."""
        from .dates import add_months

        if self.unit == "j":
            return self.count
        if self.unit == "s":
            return 7 * self.count
        months = self.count * (12 if self.unit == "a" else 1)
        return (add_months(start, months) - start).days

    def __str__(self) -> str:
        one, many = _UNITS[self.unit][1]
        return f"{self.count} {one if self.count == 1 else many}"


class DurationType(click.ParamType):
    """`30`, `30j`, `30 jours`, `2s`, `2sem`, `3m`, `3mois`, `1a`, `1an`: case and a final dot forgiven."""

    name = "DURÉE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Duration:
        if isinstance(value, Duration):
            return value
        if isinstance(value, int):
            value = str(value)
        match = _DURATION.match(value.strip().lower())
        unit = _WORDS.get(match[2] or "j") if match else None
        if match is None or unit is None:
            self.fail(f"durée mal écrite « {value} » : un nombre de jours (30 ou 30j), de semaines (2s), "
                      "de mois (3m) ou d'années (1a)", param, ctx)
        duration = Duration(int(match[1]), unit)
        largest = _UNITS[unit][2]
        if duration.count > largest:
            self.fail(f"durée trop longue « {value} » : {Duration(largest, unit)} au plus", param, ctx)
        return duration
