"""Paths into an event: `$.traits.email`, `traits.tags[1]`, `integrations.Actions Amplitude.id`.

Grammar: an optional leading `$.`; names separated by dots (a name is any
text without `.`, `[` or `]`, spaces included); `[n]` positions after a name
or at the start. `""`, `$` and `$.` mean the whole event. A name made of
digits also picks a position in an array, and a position also picks the key
"n" of an object, as in JavaScript where both are property names.

A path is parsed once and cached by its text: mappings are rendered for
thousands of events a second, with the same few dozen paths.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from actions.mapping.values import MISSING

# (name, position): position is the array index a name also stands for, if any.
Step = tuple[str, int | None]
Steps = tuple[Step, ...]

WHOLE_EVENT = ("", "$", "$.")


class PathSyntaxError(ValueError):
    """The reason a path cannot be read, phrased to follow "is not a valid path: "."""


def _position(name: str) -> int | None:
    # Only the canonical form is an index: JavaScript finds arr["1"], not arr["01"].
    if name.isascii() and name.isdigit() and (name == "0" or name[0] != "0"):
        return int(name)
    return None


@lru_cache(maxsize=4096)
def parse(path: str) -> Steps:
    """The steps of a path; raises PathSyntaxError saying what is wrong with it."""
    if path in WHOLE_EVENT:
        return ()
    if path.startswith("$."):
        body = path[2:]
    elif path.startswith("$["):
        body = path[1:]
    else:
        body = path
    steps: list[Step] = []
    i, end = 0, len(body)
    while i < end:
        char = body[i]
        if char == "[":
            close = body.find("]", i)
            if close < 0:
                raise PathSyntaxError('a "[" is not closed by "]"')
            inner = body[i + 1 : close]
            index = _position(inner)
            if index is None:
                raise PathSyntaxError(f'"[{inner}]" is not a position like [0]')
            steps.append((inner, index))
            i = close + 1
        elif char == "]":
            raise PathSyntaxError('a "]" has no "[" before it')
        elif char == ".":
            starts = i == 0 and len(body) == len(path)
            raise PathSyntaxError("it starts with a dot" if starts else "it has two dots in a row")
        else:
            stop = i
            while stop < end and body[stop] not in ".[]":
                stop += 1
            name = body[i:stop]
            steps.append((name, _position(name)))
            i = stop
            if i < end and body[i] == "]":
                raise PathSyntaxError('a "]" has no "[" before it')
        if i < end and body[i] == ".":
            i += 1
            if i == end:
                raise PathSyntaxError("it ends with a dot")
            if body[i] == ".":
                raise PathSyntaxError("it has two dots in a row")
            if body[i] == "[":
                raise PathSyntaxError('a dot is followed by "[" instead of a name')
        elif i < end and body[i] != "[":
            raise PathSyntaxError('a "]" must be followed by ".", "[" or nothing')
    return tuple(steps)


def error(path: str) -> str | None:
    """Why the path cannot be read, or None when it can."""
    try:
        parse(path)
    except PathSyntaxError as exc:
        return str(exc)
    return None


def lookup(steps: Steps, value: Any) -> Any:
    """The value at the steps, or MISSING where the event has none.

    Stepping into anything but an object or an array is MISSING: mapping-kit
    returns a null, 0 or "" parent itself (`traits.zero.x` gives 0), which
    would let a stray null parent clear a CRM field.
    """
    for name, position in steps:
        if isinstance(value, dict):
            value = value.get(name, MISSING)
            if value is MISSING:
                return MISSING
        elif isinstance(value, list) and position is not None and position < len(value):
            value = value[position]
        else:
            return MISSING
    return value


def canonical(steps: Steps) -> str:
    """The steps written back as one path: names joined by dots, positions as [n]; "" for the event."""
    parts: list[str] = []
    if steps and steps[0][0] == "$":
        # A first key named "$" would read as the whole event.
        parts.append("$.$")
        steps = steps[1:]
    for name, position in steps:
        if position is not None:
            parts.append(f"[{position}]")
        elif parts:
            parts.append("." + name)
        else:
            parts.append(name)
    return "".join(parts)
