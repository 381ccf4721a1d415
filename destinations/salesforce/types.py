"""A mapped value brought to its Salesforce field's type, from the field's describe entry.

    convert("1000", {"name": "NumberOfEmployees", "type": "int"})  ->  1000
    convert("many", {"name": "NumberOfEmployees", "type": "int"})
        ConversionError: NumberOfEmployees expects a whole number; got "many"

Results are what Salesforce's REST API takes in JSON: ints and floats for
numbers, ``true``/``false``, ``yyyy-MM-dd`` dates, ``2024-05-01T13:00:00.000+0000``
datetimes, text, ``a;b`` multi-select picklists. ``None`` passes through:
what a null means is the caller's decision.

The single-type helpers (``whole_number``, ``number``, ``boolean``,
``calendar_date``, ``instant``, ``text``, ``record_id``) raise ``ValueError``
with the reason alone ("expects a whole number; got ..."), so that callers
(``convert`` here, ``soql.quote``) can say whose value it was. Pure: no
Django, no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from destinations.salesforce import ids

TEXT_TYPES = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "combobox", "encryptedstring"}
)
INTEGER_TYPES = frozenset({"int", "long"})
DECIMAL_TYPES = frozenset({"double", "currency", "percent"})
ID_TYPES = frozenset({"id", "reference"})

# Salesforce's valid date range.
_FIRST_YEAR, _LAST_YEAR = 1700, 4000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^(?P<day>\d{4}-\d{2}-\d{2})(?:[Tt ](?P<clock>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?)?$"
)
_TIME = re.compile(r"^(?P<clock>\d{2}:\d{2}(?::\d{2})?)(?P<fraction>\.\d{1,9})?[Zz]?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})
_SHOWN_LENGTH = 60
_Day = TypeVar("_Day", date, datetime)


class ConversionError(ValueError):
    """A value that does not fit its field, with a message a marketer can act on."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def convert(value: Any, field: Mapping[str, Any]) -> Any:
    """``value`` as the field's type takes it in a REST request; ``ConversionError`` when it cannot be.

    ``field`` is the field's describe entry (``name``, ``type``, ``length``,
    ``precision``, ``scale``, ``digits``, ``picklistValues``,
    ``restrictedPicklist``). Types without a rule here (address, location,
    anyType, base64...) pass through unchanged for Salesforce to judge.
    """
    if value is None:
        return None
    name = str(field.get("name") or "field")
    try:
        return _convert(value, str(field.get("type") or "").lower(), field)
    except ValueError as refused:
        raise ConversionError(name, f"{name} {refused}") from None


def _convert(value: Any, field_type: str, field: Mapping[str, Any]) -> Any:
    if field_type in INTEGER_TYPES:
        return _within_digits(whole_number(value), int(field.get("digits") or 0))
    if field_type in DECIMAL_TYPES:
        return _within_precision(
            number(value), int(field.get("precision") or 0), int(field.get("scale") or 0)
        )
    if field_type == "boolean":
        return boolean(value)
    if field_type == "date":
        return calendar_date(value).isoformat()
    if field_type == "datetime":
        return salesforce_datetime(instant(value))
    if field_type == "time":
        return time_of_day(value)
    if field_type in ID_TYPES:
        return record_id(value)
    if field_type == "multipicklist":
        return _multipicklist(value, field)
    if field_type in TEXT_TYPES:
        converted = _within_length(text(value), int(field.get("length") or 0))
        return _picklist_value(converted, field) if field_type == "picklist" else converted
    return value


# --- Numbers -------------------------------------------------------------------------


def _decimal(value: Any, expectation: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"expects {expectation}; got {shown(value)}")
    if isinstance(value, str):
        written = value.strip()
        if not _NUMBER.match(written):
            raise ValueError(f"expects {expectation}; got {shown(value)}")
        return Decimal(written)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expects {expectation}; got {shown(value)}")
    # repr() of a float is its shortest exact decimal form.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"expects {expectation}; got {shown(value)}")
    return number


def whole_number(value: Any) -> int:
    """An int/long value: 1000, "1000", 12.0 and "12.0"; not 12.5, true or "many"."""
    number = _decimal(value, "a whole number")
    if number != number.to_integral_value():
        raise ValueError(f"expects a whole number; got {shown(value)}")
    return int(number)


def number(value: Any) -> int | float:
    """A double/currency/percent value: an int when whole, else a float."""
    exact = _decimal(value, "a number")
    if exact == exact.to_integral_value() and abs(exact.adjusted()) < 19:
        return int(exact)
    result = float(exact)
    if not math.isfinite(result):
        raise ValueError(f"expects a number; got {shown(value)}")
    return result


def _within_digits(value: int, digits: int) -> int:
    if digits and len(str(abs(value))) > digits:
        raise ValueError(f"expects a whole number of at most {digits} digits; got {value}")
    return value


def _within_precision(value: int | float, precision: int, scale: int) -> int | float:
    whole_digits = precision - scale
    if precision and whole_digits >= 0 and abs(value) >= 10**whole_digits:
        raise ValueError(
            f"expects a number with at most {whole_digits} digits before the decimal point; got {shown(value)}"
        )
    return value


def plain_number(value: int | float) -> str:
    """A number written without an exponent (SOQL reads no ``1e-05``)."""
    if isinstance(value, int):
        return str(value)
    written = format(Decimal(repr(value)), "f")
    return written


# --- Booleans, dates and times --------------------------------------------------------


def boolean(value: Any) -> bool:
    """true/false (any case), 1/0, and booleans themselves."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
    raise ValueError(f"expects true or false; got {shown(value)}")


def calendar_date(value: Any) -> date:
    """A ``yyyy-MM-dd`` date; a timestamp gives its date in UTC."""
    if isinstance(value, datetime):
        return _in_range(_utc(value), value).date()
    if isinstance(value, date):
        return _in_range(value, value)
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return _in_range(date.fromisoformat(value.strip()), value)
        except ValueError:
            pass
    elif isinstance(value, str) and _DATETIME.match(value.strip()):
        return instant(value).date()
    raise ValueError(f"expects a date (yyyy-MM-dd); got {shown(value)}")


def instant(value: Any) -> datetime:
    """An aware UTC datetime from an ISO 8601 timestamp (a date alone is its midnight).

    A timestamp without an offset is read as UTC, never as the server's local time.
    """
    if isinstance(value, datetime):
        return _in_range(_utc(value), value)
    if isinstance(value, date):
        return _in_range(datetime(value.year, value.month, value.day, tzinfo=UTC), value)
    found = _DATETIME.match(value.strip()) if isinstance(value, str) else None
    if found is not None:
        zone = found.group("zone") or ""
        written = found.group("day") + "T" + (found.group("clock") or "00:00") + zone.upper()
        try:
            return _in_range(_utc(datetime.fromisoformat(written)), value)
        except ValueError:
            pass
    raise ValueError(f"expects a date and time (like 2024-05-01T13:00:00Z); got {shown(value)}")


def salesforce_datetime(moment: datetime) -> str:
    """The REST API's own datetime form: ``2024-05-01T13:00:00.000+0000`` (UTC)."""
    moment = _utc(moment)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def time_of_day(value: Any) -> str:
    """A time field's ``HH:mm:ss.SSSZ``."""
    found = _TIME.match(value.strip()) if isinstance(value, str) else None
    if found is not None:
        clock = found.group("clock")
        hours, minutes = int(clock[:2]), int(clock[3:5])
        seconds = int(clock[6:8]) if len(clock) > 5 else 0
        if hours < 24 and minutes < 60 and seconds < 60:
            millis = (found.group("fraction") or ".000")[1:4].ljust(3, "0")
            return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis}Z"
    raise ValueError(f"expects a time of day (like 13:30:00); got {shown(value)}")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _in_range(moment: _Day, original: Any) -> _Day:
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        raise ValueError(f"expects a date between {_FIRST_YEAR} and {_LAST_YEAR}; got {shown(original)}")
    return moment


# --- Text, ids and picklists -----------------------------------------------------------


def text(value: Any) -> str:
    """Text as written; numbers and booleans as text; never an object or a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        exact = _decimal(value, "text")
        return str(int(exact)) if exact == exact.to_integral_value() else format(exact.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise ValueError(f"expects text; got {shown(value)}")


def _within_length(value: str, length: int) -> str:
    if length and len(value) > length:
        raise ValueError(f"expects at most {length} characters; got {len(value)}")
    return value


def record_id(value: Any) -> str:
    """A 15- or 18-character Salesforce record id, as written."""
    if isinstance(value, str) and ids.is_valid(value.strip()):
        return value.strip()
    raise ValueError(f"expects a Salesforce record id (15 or 18 characters); got {shown(value)}")


def _allowed_values(field: Mapping[str, Any]) -> list[str] | None:
    """The active values of a restricted picklist; None when any value goes."""
    if not field.get("restrictedPicklist"):
        return None
    entries = field.get("picklistValues") or []
    return [
        str(e["value"]) for e in entries if isinstance(e, Mapping) and e.get("active", True) and "value" in e
    ]


def _picklist_value(value: str, field: Mapping[str, Any]) -> str:
    allowed = _allowed_values(field)
    if allowed is None:
        return value
    # A value that differs only in case is the same choice; send Salesforce's spelling.
    for candidate in allowed:
        if candidate.lower() == value.lower():
            return candidate
    choices = ", ".join(allowed) if len(allowed) <= 10 else ", ".join(allowed[:10]) + ", ..."
    raise ValueError(f"expects one of {choices}; got {shown(value)}")


def _multipicklist(value: Any, field: Mapping[str, Any]) -> str:
    if isinstance(value, list | tuple):
        if any(isinstance(item, list | tuple | Mapping) for item in value):
            raise ValueError(f"expects a list of values; got {shown(value)}")
        items = [text(item) for item in value]
    else:
        items = text(value).split(";")
    items = [item.strip() for item in items if item.strip()]
    return ";".join(_picklist_value(item, field) for item in items)


def shown(value: Any) -> str:
    """A value as a marketer reads it in a message: "text" quoted, long text cut."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        cut = value if len(value) <= _SHOWN_LENGTH else value[:_SHOWN_LENGTH] + "…"
        return json.dumps(cut, ensure_ascii=False)
    if isinstance(value, int | float | Decimal):
        return str(value)
    return type(value).__name__
