"""How a field's values compare: its kind, and values brought to one form.

Stored values (JSON forms) and literals are both normalised to one
comparable form per kind, so a comparison is a plain ``==`` or ``<``:

- text: lower-cased, except on unique case-sensitive fields; Salesforce
  stores no empty strings, so ``""`` reads as null;
- id: the 18-character form, so a 15-character literal matches;
- number: ``Decimal``; boolean: ``bool`` (null reads as false);
- date: ``date``; datetime: an aware UTC ``datetime``;
- multipicklist: the set of lower-cased values.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import ids
from ..schema import NUMBER_TYPES, STRING_TYPES, Field
from . import temporal


class ValueKind(enum.Enum):
    TEXT = "text"
    ID = "id"
    MULTI = "multipicklist"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


# The type Salesforce names in "must be of type X" (the field's SOAP type).
_TYPE_NAMES = {
    "id": "id",
    "reference": "id",
    "int": "int",
    "long": "long",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "boolean": "boolean",
    "date": "date",
    "datetime": "dateTime",
    "time": "time",
}

Normalizer = Callable[[Any], Any]


def kind_of(field: Field) -> ValueKind:
    """The comparison semantics of a field, from its describe type."""
    described = field.type.lower()
    if described in ("id", "reference"):
        return ValueKind.ID
    if described == "multipicklist":
        return ValueKind.MULTI
    if described in NUMBER_TYPES:
        return ValueKind.NUMBER
    if described == "boolean":
        return ValueKind.BOOLEAN
    if described == "date":
        return ValueKind.DATE
    if described == "datetime":
        return ValueKind.DATETIME
    return ValueKind.TEXT


def type_name(field: Field) -> str:
    """The type named in a type-mismatch message (``string``, ``dateTime``…)."""
    described = field.type.lower()
    if described in STRING_TYPES and described not in ("id", "reference"):
        return "string"
    return _TYPE_NAMES.get(described, "string")


def is_case_sensitive(field: Field) -> bool:
    """Only unique, case-sensitive fields compare text exactly."""
    return field.unique and field.case_sensitive


def normalizer(field: Field) -> Normalizer:
    """Stored JSON value to the comparable form of the field's kind."""
    kind = kind_of(field)
    if kind is ValueKind.TEXT:
        return _exact_text if is_case_sensitive(field) else fold
    return _NORMALIZERS[kind]


def fold(value: Any) -> str | None:
    """Case-insensitive text form; ``None`` for null and the empty string."""
    if value is None or value == "":
        return None
    return str(value).lower()


def _exact_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def to_id(value: Any) -> str | None:
    """An id's 18-character form; a malformed stored id is kept as written."""
    if value is None or value == "":
        return None
    try:
        return ids.to_18(str(value))
    except ValueError:
        return str(value)


def to_number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def to_boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def to_multi(value: Any) -> frozenset[str] | None:
    if value is None or value == "":
        return None
    return frozenset(part.strip().lower() for part in str(value).split(";") if part.strip())


_NORMALIZERS: dict[ValueKind, Normalizer] = {
    ValueKind.ID: to_id,
    ValueKind.MULTI: to_multi,
    ValueKind.NUMBER: to_number,
    ValueKind.BOOLEAN: to_boolean,
    ValueKind.DATE: temporal.stored_date,
    ValueKind.DATETIME: temporal.stored_datetime,
}
