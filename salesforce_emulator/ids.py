"""Salesforce record ids: minting, 15 to 18 characters, validation.

An 18-character id is the case-sensitive 15-character id followed by three
characters that encode which of its letters are upper case, so that the id
survives systems that ignore case.
"""

from __future__ import annotations

import itertools
import re
import threading

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_SHAPE = re.compile(r"^[a-zA-Z0-9]{15}(?:[A-Za-z0-5]{3})?$")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def case_suffix(id15: str) -> str:
    """The three characters that make ``id15`` safe for case-insensitive use."""
    suffix = []
    for start in (0, 5, 10):
        bits = 0
        for position, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix.append(_SUFFIX_ALPHABET[bits])
    return "".join(suffix)


def to_18(record_id: str) -> str:
    """The 18-character form of a 15- or 18-character id.

    Raises ``ValueError`` when the value is not a well-formed id.
    """
    if not _ID_SHAPE.match(record_id):
        raise ValueError(f"malformed id {record_id}")
    body = record_id[:15]
    expected = case_suffix(body)
    if len(record_id) == 18 and record_id[15:].upper() != expected:
        raise ValueError(f"malformed id {record_id}")
    return body + expected


def is_valid(record_id: str) -> bool:
    try:
        to_18(record_id)
    except ValueError:
        return False
    return True


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, remainder = divmod(number, 62)
        digits.append(_BASE62[remainder])
    return "".join(reversed(digits))


class IdMinter:
    """Mints 18-character ids: key prefix, pod code, then a running number."""

    def __init__(self, pod: str = "5g0") -> None:
        if len(pod) != 3:
            raise ValueError("the pod code has three characters")
        self._pod = pod
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def mint(self, key_prefix: str) -> str:
        if len(key_prefix) != 3:
            raise ValueError("a key prefix has three characters")
        with self._lock:
            number = next(self._counter)
        body = key_prefix + self._pod + _base62(number, 9)
        return body + case_suffix(body)
