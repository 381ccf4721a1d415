"""Field values as clients send them, turned into the stored JSON form.

REST bodies are JSON: a value of the wrong JSON type fails the whole request
with ``JSON_PARSER_ERROR`` (Salesforce deserializes the body before looking
at any record). Bulk CSV cells are text: a cell that does not read as its
field's type fails that row with ``INVALID_TYPE_ON_FIELD_IN_RECORD``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from salesforce_emulator import clock, errors
from salesforce_emulator.schema import NUMBER_TYPES, Field

TEXT_TYPES = frozenset(
    {
        "string",
        "textarea",
        "email",
        "phone",
        "url",
        "picklist",
        "multipicklist",
        "combobox",
        "encryptedstring",
        "id",
        "reference",
    }
)
# The Java type name Salesforce's JSON parser puts in its messages.
_JAVA_TYPE = {
    "boolean": "boolean",
    "int": "int",
    "long": "long",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "date": "date",
    "datetime": "datetime",
    "time": "time",
}
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?$")


class JsonTypeError(Exception):
    """A JSON value that cannot be read as its field's type."""

    def __init__(self, type_name: str, token: str, shown: str) -> None:
        super().__init__(f"{type_name} from {token} {shown}")
        self.type_name = type_name
        self.token = token
        self.shown = shown


def _token(value: Any) -> tuple[str, str]:
    """Jackson's token name for a JSON value, and how its message shows it."""
    if isinstance(value, bool):
        return ("VALUE_TRUE", "true") if value else ("VALUE_FALSE", "false")
    if isinstance(value, int):
        return "VALUE_NUMBER_INT", str(value)
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT", repr(value)
    if isinstance(value, dict):
        return "START_OBJECT", "{"
    if isinstance(value, list):
        return "START_ARRAY", "["
    return "VALUE_STRING", str(value)


def _mismatch(field: Field, value: Any) -> JsonTypeError:
    token, shown = _token(value)
    return JsonTypeError(_JAVA_TYPE.get(field.type, "string"), token, shown)


def from_json(field: Field, value: Any, *, numeric_strings: bool) -> Any:
    """The stored form of a JSON value for ``field``; raises ``JsonTypeError``."""
    if value is None:
        return None
    kind = field.type
    if kind in TEXT_TYPES:
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return json.dumps(value)
        raise _mismatch(field, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _mismatch(field, value)
    if kind in NUMBER_TYPES:
        number = _json_number(value, numeric_strings)
        if number is None:
            raise _mismatch(field, value)
        if kind in ("int", "long"):
            return int(number)
        return float(number)
    if kind == "date":
        parsed_date = clock.parse_date(value, allow_datetime=True) if isinstance(value, str) else None
        if parsed_date is None:
            raise _mismatch(field, value)
        return parsed_date.isoformat()
    if kind == "datetime":
        moment = clock.parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise _mismatch(field, value)
        return clock.format_datetime(moment)
    if kind == "time":
        if isinstance(value, str) and _TIME.match(value):
            return value
        raise _mismatch(field, value)
    return value


def _json_number(value: Any, numeric_strings: bool) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and numeric_strings and _DECIMAL.match(value.strip()):
        text = value.strip()
        return int(text) if _INTEGER.match(text) else float(text)
    return None


def from_csv(field: Field, text: str) -> Any:
    """The stored form of a Bulk CSV cell for ``field``; raises ``RecordFailure``.

    The caller has already taken out empty cells (leave unchanged) and
    ``#N/A`` (set null).
    """
    kind = field.type
    if kind in TEXT_TYPES:
        return text
    value: Any = None
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "1", "yes"):
            value = True
        elif lowered in ("false", "0", "no"):
            value = False
    elif kind in ("int", "long"):
        value = int(text) if _INTEGER.match(text) else None
    elif kind in NUMBER_TYPES:
        value = float(text) if _DECIMAL.match(text) else None
    elif kind == "date":
        parsed_date = clock.parse_date(text)
        value = parsed_date.isoformat() if parsed_date else None
    elif kind == "datetime":
        moment = clock.parse_datetime(text)
        value = clock.format_datetime(moment) if moment else None
    elif kind == "time":
        value = text if _TIME.match(text) else None
    else:
        value = text
    if value is None:
        raise errors.RecordFailure(errors.bad_value_type(field.label, field.name, text))
    return value
