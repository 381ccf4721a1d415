"""Dates and datetimes: SOQL literals, stored values, relative date literals.

Datetimes compare as instants (all converted to UTC). Relative literals
(``TODAY``, ``LAST_N_DAYS:30``) are ranges of whole days computed in UTC,
which stands in for the running user's time zone; weeks start on Sunday as
in the default (en_US) locale.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

_LITERAL_CHARS = frozenset("0123456789-:+.TZ")

# Relative literals without a count and the ones written NAME:n.
RANGES = frozenset(
    {
        "YESTERDAY",
        "TODAY",
        "TOMORROW",
        "LAST_WEEK",
        "THIS_WEEK",
        "NEXT_WEEK",
        "LAST_MONTH",
        "THIS_MONTH",
        "NEXT_MONTH",
        "LAST_YEAR",
        "THIS_YEAR",
        "NEXT_YEAR",
        "LAST_90_DAYS",
        "NEXT_90_DAYS",
    }
)
COUNTED_RANGES = frozenset(
    {
        "LAST_N_DAYS",
        "NEXT_N_DAYS",
        "N_DAYS_AGO",
        "LAST_N_WEEKS",
        "NEXT_N_WEEKS",
        "LAST_N_MONTHS",
        "NEXT_N_MONTHS",
        "LAST_N_YEARS",
        "NEXT_N_YEARS",
    }
)


def now() -> datetime:
    """The current instant; tests replace it to pin ``TODAY``."""
    return datetime.now(UTC)


def scan_literal(text: str, start: int) -> int:
    """End offset of the date- or datetime-shaped run starting at ``start``."""
    i = start
    while i < len(text) and text[i] in _LITERAL_CHARS:
        i += 1
    return i


def parse_literal(written: str) -> date | datetime:
    """A SOQL date (``2024-05-01``) or datetime literal.

    Datetimes need a zone: ``Z``, ``+hh:mm`` or ``+hhmm``; fractional seconds
    are accepted, as Salesforce accepts them. Raises ``ValueError``.
    """
    if "T" not in written:
        if len(written) != 10:
            raise ValueError(written)
        return date.fromisoformat(written)
    day, _, clock = written.partition("T")
    if len(day) != 10 or len(clock) < 9:
        raise ValueError(written)
    if clock.endswith("Z"):
        moment, zone = clock[:-1], "+00:00"
    elif clock[-6:-5] in ("+", "-") and clock[-3] == ":":
        moment, zone = clock[:-6], clock[-6:]
    elif clock[-5:-4] in ("+", "-"):
        moment, zone = clock[:-5], clock[-5:-2] + ":" + clock[-2:]
    else:
        raise ValueError(written)
    if len(moment) < 8 or moment[2] != ":" or moment[5] != ":" or (len(moment) > 8 and moment[8] != "."):
        raise ValueError(written)
    if len(moment) > 8 and not (2 <= len(moment) - 8 <= 10 and moment[9:].isdigit()):
        raise ValueError(written)
    whole = datetime.fromisoformat(f"{day}T{moment[:8]}{zone}")
    fraction = moment[9:]
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return whole.replace(microsecond=micros).astimezone(UTC)


def stored_date(value: object) -> date | None:
    """A date field's JSON value (``"2024-05-01"``) as a date, None if unset."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def stored_datetime(value: object) -> datetime | None:
    """A datetime field's JSON value (``"2024-05-01T13:00:00.000+0000"``)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def date_range(name: str, count: int | None) -> tuple[date, date]:
    """The days ``[first, after_last)`` a relative date literal stands for."""
    today = now().astimezone(UTC).date()
    week = today - timedelta(days=(today.weekday() + 1) % 7)  # Sunday
    month = today.replace(day=1)
    year = today.replace(month=1, day=1)
    n = count or 0
    fixed = {
        "YESTERDAY": (today - timedelta(days=1), today),
        "TODAY": (today, today + timedelta(days=1)),
        "TOMORROW": (today + timedelta(days=1), today + timedelta(days=2)),
        "LAST_WEEK": (week - timedelta(days=7), week),
        "THIS_WEEK": (week, week + timedelta(days=7)),
        "NEXT_WEEK": (week + timedelta(days=7), week + timedelta(days=14)),
        "LAST_MONTH": (_add_months(month, -1), month),
        "THIS_MONTH": (month, _add_months(month, 1)),
        "NEXT_MONTH": (_add_months(month, 1), _add_months(month, 2)),
        "LAST_YEAR": (_add_months(year, -12), year),
        "THIS_YEAR": (year, _add_months(year, 12)),
        "NEXT_YEAR": (_add_months(year, 12), _add_months(year, 24)),
        # The "last n days" ranges include today (LAST_N_DAYS:1 is yesterday
        # and today); the "next n days" ones start tomorrow.
        "LAST_90_DAYS": (today - timedelta(days=90), today + timedelta(days=1)),
        "NEXT_90_DAYS": (today + timedelta(days=1), today + timedelta(days=91)),
        "LAST_N_DAYS": (today - timedelta(days=n), today + timedelta(days=1)),
        "NEXT_N_DAYS": (today + timedelta(days=1), today + timedelta(days=n + 1)),
        "N_DAYS_AGO": (today - timedelta(days=n), today - timedelta(days=n - 1)),
        "LAST_N_WEEKS": (week - timedelta(days=7 * n), week),
        "NEXT_N_WEEKS": (week + timedelta(days=7), week + timedelta(days=7 * (n + 1))),
        "LAST_N_MONTHS": (_add_months(month, -n), month),
        "NEXT_N_MONTHS": (_add_months(month, 1), _add_months(month, n + 1)),
        "LAST_N_YEARS": (_add_months(year, -12 * n), year),
        "NEXT_N_YEARS": (_add_months(year, 12), _add_months(year, 12 * (n + 1))),
    }
    return fixed[name]


def midnight(day: date) -> datetime:
    """The UTC instant a day starts, to compare a day range with datetimes."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(first_of_month.day, calendar.monthrange(year, month + 1)[1]))
