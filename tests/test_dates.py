"""Periods under Regulation (EEC, Euratom) 1182/71: months, weekends and French public holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rgpdcheck.dates import (
    easter,
    end_of_period_in_months,
    french_public_holidays,
    working_day_on_or_after,
)

# Easter Sundays from the published tables
EASTERS = {2016: date(2016, 3, 27), 2018: date(2018, 4, 1), 2019: date(2019, 4, 21), 2024: date(2024, 3, 31),
           2025: date(2025, 4, 20), 2026: date(2026, 4, 5), 2038: date(2038, 4, 25)}


@pytest.mark.parametrize("year", sorted(EASTERS))
def test_easter(year):
    assert easter(year) == EASTERS[year]


def test_the_eleven_french_public_holidays_of_2019():
    assert sorted(french_public_holidays(2019)) == [
        date(2019, 1, 1), date(2019, 4, 22), date(2019, 5, 1), date(2019, 5, 8), date(2019, 5, 30),
        date(2019, 6, 10), date(2019, 7, 14), date(2019, 8, 15), date(2019, 11, 1), date(2019, 11, 11),
        date(2019, 12, 25)]


@pytest.mark.parametrize("received, end", [
    (date(2018, 12, 20), date(2019, 1, 21)),   # Sunday -> Monday
    (date(2019, 4, 1), date(2019, 5, 2)),      # 1 May -> Thursday 2 May
    (date(2019, 3, 22), date(2019, 4, 23)),    # Monday 22 April is Easter Monday -> Tuesday
    (date(2019, 4, 8), date(2019, 5, 9)),      # Wednesday 8 May (Victoire 1945) -> Thursday
    (date(2019, 1, 15), date(2019, 2, 15)),    # a Friday: unchanged
    (date(2019, 1, 31), date(2019, 2, 28)),    # no 31 February: the month's last day
    (date(2018, 11, 14), date(2018, 12, 14)),  # a Friday: unchanged
    (date(2018, 7, 14), date(2018, 8, 14)),    # Tuesday 14 August (15 August is the holiday)
    (date(2018, 7, 15), date(2018, 8, 16)),    # Wednesday 15 August -> Thursday
])
def test_a_month_ends_on_a_working_day(received, end):
    assert end_of_period_in_months(received, 1) == end


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_the_working_day_is_the_first_one_on_or_after(value):
    found = working_day_on_or_after(value)
    assert found >= value and found.weekday() < 5 and found not in french_public_holidays(found.year)
    day = value
    while day < found:
        assert day.weekday() >= 5 or day in french_public_holidays(day.year)
        day += timedelta(days=1)
