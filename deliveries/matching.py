"""Comparing record-matcher values the way SOQL compares them (pure).

One lookup query serves many events, so the records it returns must be
matched back to the events that asked for them client-side, with the same
equality Salesforce applied: text compared without regard to case (except on
case-sensitive fields), Ids of 15 and 18 characters equal, numbers by value.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

_ID_TYPES = frozenset({"id", "reference"})
_NUMBER_TYPES = frozenset({"int", "long", "double", "currency", "percent"})
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def canonical_id(value: str) -> str:
    """The case-sensitive 15-character body of a 15- or 18-character Id.

    An 18-character Id encodes the case of its body in its last three
    characters, so its body is re-cased from them: an Id that went through a
    case-insensitive system still matches.
    """
    if len(value) != 18:
        return value
    body = []
    for group, char in enumerate(value[15:].upper()):
        bits = _SUFFIX_ALPHABET.find(char)
        if bits < 0:
            return value
        for position, letter in enumerate(value[group * 5 : group * 5 + 5]):
            body.append(letter.upper() if bits & (1 << position) else letter.lower())
    return "".join(body)


def match_key(value: Any, field_type: str, case_sensitive: bool = False) -> Any:
    """A hashable key under which equal values (in SOQL's sense) coincide."""
    if value is None:
        return None
    if field_type in _ID_TYPES and isinstance(value, str):
        return ("id", canonical_id(value))
    if field_type in _NUMBER_TYPES or (isinstance(value, int | float) and not isinstance(value, bool)):
        try:
            return ("number", Decimal(str(value)).normalize())
        except (InvalidOperation, ValueError):
            return ("text", str(value))
    if isinstance(value, bool):
        return ("bool", value)
    text = str(value)
    return ("text", text if case_sensitive else text.lower())
