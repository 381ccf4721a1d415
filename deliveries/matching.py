"""Comparing record-matcher values the way SOQL compares them (pure).

One lookup query serves many events, so the records it returns must be
matched back to the events that asked for them client-side, with the same
equality Salesforce applied: text compared without regard to case (except on
case-sensitive fields), Ids of 15 and 18 characters equal, numbers by value.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from destinations.salesforce import ids

_ID_TYPES = frozenset({"id", "reference"})
_NUMBER_TYPES = frozenset({"int", "long", "double", "currency", "percent"})


def match_key(value: Any, field_type: str, case_sensitive: bool = False) -> Any:
    """A hashable key under which equal values (in SOQL's sense) coincide."""
    if value is None:
        return None
    if field_type in _ID_TYPES and isinstance(value, str):
        # 15 and 18 characters name the same record.
        return ("id", ids.to_18(value) if ids.is_valid(value) else value)
    if field_type in _NUMBER_TYPES or (isinstance(value, int | float) and not isinstance(value, bool)):
        try:
            return ("number", Decimal(str(value)).normalize())
        except (InvalidOperation, ValueError):
            return ("text", str(value))
    if isinstance(value, bool):
        return ("bool", value)
    text = str(value)
    return ("text", text if case_sensitive else text.lower())
