"""Reading JSON that strangers send (pure: no Django, no I/O).

Two things the standard parser lets through break later steps: numbers
that are not finite (`1e999` reads as infinity, `NaN`; no database stores
them in a JSON column) and unbounded nesting (every recursive walk of the
value, such as redaction or rendering, fails on a deep enough one). The
parser here marks a non-finite number instead of producing it, and
`shape_problem` says what is wrong with a value, so a caller can refuse
one message of a batch and keep the others.
"""

from __future__ import annotations

import json
import math
from typing import Any

# How deep objects and arrays may nest in one message (the message itself is level 1).
MAX_DEPTH = 64


class NonFinite:
    """Where the body held a number that cannot be kept; `text` is how it was written.

    A number that is not finite (`1e999`, `NaN`), or an integer longer than
    Python reads (4,300 digits).
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"NonFinite({self.text!r})"


def _number(text: str) -> float | NonFinite:
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)


def _integer(text: str) -> int | NonFinite:
    try:
        return int(text)
    except ValueError:
        # Past the interpreter's limit on digits: refused like an infinity.
        return NonFinite(text[:20] + "…")


def loads_marking(body: bytes | str) -> Any:
    """Parse JSON, with each non-finite number (`1e999`, `NaN`, `Infinity`) as a NonFinite.

    Raises ValueError (or RecursionError, nested past the interpreter's
    limit) for a body that is not JSON at all.
    """
    return json.loads(body, parse_float=_number, parse_int=_integer, parse_constant=NonFinite)


def loads_finite(body: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON, refusing non-finite numbers and deep nesting: ValueError with the reason."""
    try:
        value = loads_marking(body)
    except RecursionError:
        raise ValueError(f"It is nested deeper than {max_depth} levels.") from None
    problem = shape_problem(value, max_depth)
    if problem:
        raise ValueError(f"It {problem}.")
    return value


def shape_problem(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """Why a parsed value cannot be kept, as a predicate ("is nested deeper than 64 levels"), or None.

    Walks the value with its own stack, so no depth can overflow it.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, NonFinite):
            if item.text.endswith("…"):
                return f"holds the number {item.text}, which has too many digits to be stored"
            return f"holds the number {item.text}, which is not finite (numbers must be finite)"
        if isinstance(item, float) and not math.isfinite(item):
            return f"holds the number {item}, which is not finite (numbers must be finite)"
        if isinstance(item, dict | list):
            if depth > max_depth:
                return f"is nested deeper than {max_depth} levels"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None
