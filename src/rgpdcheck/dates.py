"""Calendar helpers for facts and deadlines: days since 1970, the end of a Paris day,
calendar months, and the end of a period under Regulation (EEC, Euratom) No 1182/71.

Periods of the GDPR expressed in days, months or years (art. 12(3): « un mois ») follow that
regulation: a period in months ends on the same date of the last month, or on its last day
when it has none (art. 3(2)(c)); a period that would end on a Saturday, a Sunday or a public
holiday ends at the end of the next working day (art. 3(4)) — the EDPB applies this to
art. 12(3) (Guidelines 01/2022 on the right of access). Public holidays are those of the State
where the act is done: France's. Periods expressed in hours (art. 33's 72 hours) are not
extended (art. 3(4) excludes them)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

from .model import PARIS

EPOCH = date(1970, 1, 1)


def day(value: date | None) -> int | None:
    """Whole days since 1970-01-01 (how facts carry dates)."""
    return None if value is None else (value - EPOCH).days


def end_of_day(value: date) -> int:
    """The last second of `value` in Paris, as epoch seconds."""
    return int(datetime.combine(value + timedelta(days=1), time(), PARIS).timestamp()) - 1


def easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm of Meeus, Jones and Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day_ = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day_ + 1)


def french_public_holidays(year: int) -> frozenset[date]:
    """The public holidays of France (Code du travail art. L3133-1): 1 January, Easter Monday,
    1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return frozenset([date(year, m, d) for m, d in fixed]
                     + [sunday + timedelta(days=n) for n in (1, 39, 50)])


def working_day_on_or_after(value: date) -> date:
    """`value`, or the next day that is neither a Saturday, a Sunday nor a French public holiday
    (Regulation 1182/71 art. 3(4): where a period would end on such a day)."""
    while value.weekday() >= 5 or value in french_public_holidays(value.year):
        value += timedelta(days=1)
    return value


def end_of_period_in_months(start: date, months: int) -> date:
    """The last day of a period of `months` months from `start` (Regulation 1182/71 art. 3)."""
    return working_day_on_or_after(add_months(start, months))


def add_months(value: date, months: int) -> date:
    """The same day `months` calendar months later (the last day of the month when shorter)."""
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


# -- a day written AAAA-MM-JJ, with the French reason when it is not one --------------------------

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_day(text: str) -> date:
    """`AAAA-MM-JJ` as a date; ValueError with the French reason: a badly written date, a
    month that does not exist, or a day that this month does not have (2018-02-30)."""
    match = _ISO_DAY.match(text.strip())
    if not match:
        raise ValueError(f"date mal écrite « {text} » : écrivez-la AAAA-MM-JJ, par exemple 2018-12-31")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"la date « {text} » n'existe pas : il n'y a pas de mois {month:02d} (de 01 à 12)")
    if year == 0:
        raise ValueError(f"la date « {text} » n'existe pas : il n'y a pas d'année 0000")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"la date « {text} » n'existe pas : {MONTHS[month - 1]} {year} n'a que {last} jours")
    return date(year, month, day)
