"""The parsed form of a trigger: small frozen dataclasses.

Every node checks itself when built, so any tree that exists can be written
as text and read back to an equal tree (`parse(generate(t)) == t`). The
parser reports problems with positions before it builds a node; these
checks only catch trees built by hand, such as a builder UI's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from actions.triggers.globs import GlobError, parse_glob

# Top-level fields of a message, read as they are.
PLAIN_FIELDS = ("type", "event", "name", "userId", "anonymousId", "groupId", "previousId")
# Objects of a message whose insides a path reaches.
PATH_FIELDS = ("properties", "traits", "context")
ROOTS = PLAIN_FIELDS + PATH_FIELDS

EQUALITY_OPERATORS = ("=", "!=")
ORDER_OPERATORS = ("<", "<=", ">", ">=")
OPERATORS = EQUALITY_OPERATORS + ORDER_OPERATORS

# A literal as written in a trigger: text, a number, true, false or null.
Value = str | int | float | bool | None
Segment = str | int


def is_plain_segment_char(char: str) -> bool:
    """Whether a path character may be written without a backslash.

    Segment's rule is letters, digits, `_` and `-`; we also take letters and
    digits of any script, so `properties.prénom` needs no escaping.
    """
    return char.isalnum() or char in "_-"


def has_surrogate(text: str) -> bool:
    """Whether text holds a lone UTF-16 surrogate, which no event can contain."""
    return any("\ud800" <= char <= "\udfff" for char in text)


def is_number(value: object) -> bool:
    """Whether a value is a number as JSON gives them: an int or a float, not a bool."""
    return type(value) in (int, float)


def _check_text(text: object, what: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, not {type(text).__name__}")
    if has_surrogate(text):
        raise ValueError(f"{what} holds a lone surrogate")


def _check_value(value: object) -> None:
    # Exact types: a subclass (an IntEnum, say) would be written as its
    # base type and read back as that, unequal to what was written.
    if type(value) not in (str, int, float, bool, type(None)):
        raise TypeError(f"a trigger value is a str, int, float, bool or None, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written in a trigger")
    if isinstance(value, str):
        _check_text(value, "a text value")


def _value_key(value: Value) -> tuple[type, Value]:
    # Python says True == 1 and hash(True) == hash(1); a trigger does not,
    # and trees are cache keys, so equality compares the type too.
    return (type(value), value)


@dataclass(frozen=True, slots=True)
class Field:
    """A field of the message: `root` alone, or `root` plus a path inside it.

    `path` is empty for the plain fields (`type`, `userId`...) and at least
    one name long for `properties`, `traits` and `context`; a str is an
    object key, an int an array index (`items[0]`).
    """

    root: str
    path: tuple[Segment, ...] = ()

    def __post_init__(self) -> None:
        if self.root not in ROOTS:
            raise ValueError(f"unknown field root {self.root!r}")
        if not isinstance(self.path, tuple):
            raise TypeError("path must be a tuple")
        if self.root in PLAIN_FIELDS and self.path:
            raise ValueError(f"{self.root} has no path")
        if self.root in PATH_FIELDS and not (self.path and isinstance(self.path[0], str)):
            raise ValueError(f"{self.root} needs a path starting with a name")
        for segment in self.path:
            if type(segment) not in (str, int):
                raise TypeError("path segments are str or int")
            if isinstance(segment, int) and segment < 0:
                raise ValueError("array indexes are not negative")
            if isinstance(segment, str):
                _check_text(segment, "a path segment")
                if not segment:
                    raise ValueError("path segments are not empty")


@dataclass(frozen=True, slots=True, eq=False)
class Compare:
    """`field op value`. With `None`, `=` means "missing or null" and `!=` "present"."""

    field: Field
    operator: str
    value: Value

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown operator {self.operator!r}")
        _check_value(self.value)
        if self.operator in ORDER_OPERATORS and not is_number(self.value):
            raise ValueError(f"{self.operator} compares numbers only")

    def _key(self) -> tuple[Any, ...]:
        return (self.field, self.operator, _value_key(self.value))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Compare) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True, eq=False)
class In:
    """`field in [v1, v2]`: true when `field = v` for some v; `negated` is `not in`."""

    field: Field
    values: tuple[Value, ...]
    negated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.values, tuple) or not self.values:
            raise ValueError("values must be a non-empty tuple")
        for value in self.values:
            _check_value(value)

    def _key(self) -> tuple[Any, ...]:
        return (self.field, tuple(_value_key(v) for v in self.values), self.negated)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, In) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True)
class Contains:
    """`contains(field, "text")`; `negated` is Segment's `!contains`: a text without it."""

    field: Field
    text: str
    negated: bool = False

    def __post_init__(self) -> None:
        _check_text(self.text, "contains() text")


@dataclass(frozen=True, slots=True)
class Match:
    """`match(field, "glob")`; `negated` is Segment's `!match`: a text the glob misses."""

    field: Field
    pattern: str
    negated: bool = False

    def __post_init__(self) -> None:
        _check_text(self.pattern, "match() pattern")
        try:
            parse_glob(self.pattern)
        except GlobError as error:
            raise ValueError(f"bad match() pattern: {error.reason}") from error


@dataclass(frozen=True, slots=True)
class Not:
    """`!( … )`: true when the operand is false."""

    operand: Trigger

    def __post_init__(self) -> None:
        if not isinstance(self.operand, NODE_TYPES):
            raise TypeError("Not takes a trigger node")


@dataclass(frozen=True, slots=True)
class And:
    """All children true. Built from one `a and b and c` run, so it has two or more."""

    children: tuple[Trigger, ...]

    def __post_init__(self) -> None:
        _check_children(self.children)


@dataclass(frozen=True, slots=True)
class Or:
    """Any child true. Built from one `a or b or c` run, so it has two or more."""

    children: tuple[Trigger, ...]

    def __post_init__(self) -> None:
        _check_children(self.children)


def _check_children(children: object) -> None:
    if not isinstance(children, tuple) or len(children) < 2:
        raise ValueError("and/or take a tuple of two or more children")
    if not all(isinstance(child, NODE_TYPES) for child in children):
        raise TypeError("and/or children are trigger nodes")


Condition = Compare | In | Contains | Match
Trigger = Compare | In | Contains | Match | Not | And | Or
CONDITION_TYPES = (Compare, In, Contains, Match)
NODE_TYPES = (Compare, In, Contains, Match, Not, And, Or)
