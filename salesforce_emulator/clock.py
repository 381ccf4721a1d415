"""Dates and times in the forms Salesforce writes and reads them.

Records carry datetimes as ``2024-05-01T13:00:00.000+0000`` (UTC, three
digits of milliseconds, no colon in the offset) and dates as ``2024-05-01``.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta, timezone

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def now() -> datetime:
    return datetime.now(UTC)


def now_ms() -> int:
    return int(time.time() * 1000)


def format_datetime(moment: datetime) -> str:
    """``2024-05-01T13:00:00.000+0000``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def stamp() -> str:
    """The current time as a record datetime."""
    return format_datetime(now())


def parse_datetime(text: str, *, allow_date: bool = True) -> datetime | None:
    """A datetime from the ISO 8601 forms Salesforce accepts, or None.

    A value without an offset is read as UTC; a bare date is midnight UTC.
    """
    match = _DATETIME.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if hour is None and not allow_date:
        return None
    try:
        tz: timezone = UTC
        if offset and offset != "Z":
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        micro = int((fraction or "0").ljust(6, "0")[:6])
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro, tz
        )
    except ValueError:
        return None


def parse_date(text: str, *, allow_datetime: bool = False) -> date | None:
    """A date from ``YYYY-MM-DD`` (or, when allowed, the date part of a datetime), or None."""
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if allow_datetime:
        moment = parse_datetime(text)
        return moment.date() if moment else None
    return None
