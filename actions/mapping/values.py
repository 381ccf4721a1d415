"""What a mapped value is: present, null or MISSING, and how it reads as text.

The hosted products run mappings in JavaScript, so numbers and booleans are
turned into text the way JavaScript prints them (`1.0` reads `1`, `true`
reads `true`) for a user's templates to keep producing the same strings.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final, Literal


class Missing(enum.Enum):
    """The type of MISSING; an enum so that type checkers know it is a singleton."""

    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = Missing.MISSING
"""What a mapping evaluates to when the event has no such value: the field is left out."""

MissingType = Literal[Missing.MISSING]


def number_text(number: int | float) -> str:
    """The number as JavaScript's `String(number)` writes it: `1.0` → `1`, `1e-7` → `1e-7`.

    Integers keep every digit (JavaScript would round past 2**53: no user
    wants that).
    """
    if isinstance(number, int):
        return str(number)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that read back as the same float, which is
    # what JavaScript prints too; only where the decimal point goes differs.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    assert isinstance(exponent, int)
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    power = f"e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    if k == 1:
        return sign + digits + power
    return sign + digits[0] + "." + digits[1:] + power


def json_text(value: Any, on_write: Callable[[int], object] | None = None) -> str:
    """Compact JSON as JavaScript's `JSON.stringify` writes it (numbers as `number_text`).

    ``on_write`` is told the size of each piece before it is kept (and may
    raise to stop). Raises RecursionError on values nested deeper than the
    interpreter allows; callers decide what that means for them.
    """
    parts: list[str] = []
    if on_write is None:
        _write_json(value, parts.append)
    else:
        count = on_write

        def write(piece: str) -> None:
            count(len(piece))
            parts.append(piece)

        _write_json(value, write)
    return "".join(parts)


def _write_json(value: Any, write: Callable[[str], object]) -> None:
    if value is None:
        write("null")
    elif value is True:
        write("true")
    elif value is False:
        write("false")
    elif isinstance(value, str):
        write(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int):
        write(str(value))
    elif isinstance(value, float):
        write(number_text(value) if math.isfinite(value) else "null")
    elif isinstance(value, dict):
        write("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                write(",")
            write(json.dumps(str(key), ensure_ascii=False))
            write(":")
            _write_json(item, write)
        write("}")
    elif isinstance(value, list):
        write("[")
        for i, item in enumerate(value):
            if i:
                write(",")
            _write_json(item, write)
        write("]")
    else:
        # Not JSON (and never in a parsed event); JSON.stringify drops such things.
        write("null")


def text(value: Any) -> str:
    """A value as it reads inside a template: absent and null read as nothing.

    Objects and arrays read as compact JSON, where JavaScript would give
    `[object Object]` and `a,b`: nobody wants the former in a CRM field, and
    JSON says the same for a flat array of strings, only clearer.
    """
    if isinstance(value, str):
        return value
    if value is None or value is MISSING:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return number_text(value)
    try:
        return json_text(value)
    except RecursionError:
        return ""


def scalar_text(value: Any) -> str | None:
    """Text of a string, number or boolean; None for anything else (as @replace wants)."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return number_text(value)
    return None


def is_blank(value: Any) -> bool:
    """Missing, null, or loosely equal to "" in JavaScript (`value == ''`).

    So "", 0 and false are blank, and so is an array whose items all print as
    nothing (`[]`, `[""]`, `[null]`); " " and "0" are not.
    """
    if value is None or value is MISSING:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, list):
        # Array → string joins items, null → "": walk without recursion, as
        # events may nest deeper than the interpreter's stack allows.
        pending = [value]
        while pending:
            for item in pending.pop():
                if isinstance(item, list):
                    pending.append(item)
                elif item is not None and item != "":
                    return False
        return True
    return False
