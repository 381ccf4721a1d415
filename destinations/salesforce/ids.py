"""Salesforce record ids: 15 case-sensitive characters, or 18 with a case-safe suffix.

The suffix encodes, for each group of five characters, which ones are
upper-case letters: bit i is set when character i is A-Z; 0-25 map to A-Z
and 26-31 to 0-5.
"""

from __future__ import annotations

import re

_SHAPE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?$")
_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def suffix(body: str) -> str:
    """The three case-safe characters for a 15-character id."""
    letters = []
    for start in (0, 5, 10):
        bits = 0
        for position, char in enumerate(body[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        letters.append(_SUFFIX_CHARS[bits])
    return "".join(letters)


def is_valid(value: str) -> bool:
    """A 15-character id, or an 18-character one whose suffix matches its body."""
    if not _SHAPE.match(value):
        return False
    return len(value) == 15 or value[15:].upper() == suffix(value[:15])


def to_18(value: str) -> str:
    """The 18-character form of a valid id; ValueError otherwise."""
    if not is_valid(value):
        raise ValueError(f"not a Salesforce id: {value!r}")
    return value[:15] + suffix(value[:15])
