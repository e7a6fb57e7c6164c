"""Calendar helpers for facts and deadlines: days since 1970, the end of a Paris day,
calendar months."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from .model import PARIS

EPOCH = date(1970, 1, 1)


def day(value: date | None) -> int | None:
    """Whole days since 1970-01-01 (how facts carry dates)."""
    return None if value is None else (value - EPOCH).days


def end_of_day(value: date) -> int:
    """The last second of `value` in Paris, as epoch seconds."""
    return int(datetime.combine(value + timedelta(days=1), time(), PARIS).timestamp()) - 1


def add_months(value: date, months: int) -> date:
    """The same day `months` calendar months later (the last day of the month when shorter)."""
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))
