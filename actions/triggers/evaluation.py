"""Decide whether an event matches a trigger, fast.

A tree is turned once into nested closures (globs compiled, `in` lists
split into sets by type), so testing an event is a few dict lookups and
comparisons: no parsing, no regular-expression compiling per event.

Typing is Segment's (destination-subscriptions `validate`): text equals
only text, numbers only numbers, `<`… only numbers (a numeric text never
matches), `contains`/`match` only text, `= true` only the boolean,
`= null` missing or null; `!= "s"` is true when the field is missing but
`!= 5` needs a number. Matching is case-sensitive.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final

from actions.triggers.globs import compile_glob
from actions.triggers.nodes import (
    And,
    Compare,
    Contains,
    Field,
    In,
    Match,
    Not,
    Or,
    Trigger,
    Value,
    is_number,
)
from actions.triggers.parser import parse

Evaluator = Callable[[Any], bool]
Getter = Callable[[Any], Any]
Test = Callable[[Any], bool]


class _Missing:
    """What a field holds when the event does not have it (unlike null, which it has)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

# Numbers are ints and floats, as JSON gives them; a bool is not one.
_NUMBER = (int, float)

# One closure per operator, so a test is a type check and a comparison.
_ORDER: dict[str, Callable[[Any], Test]] = {
    "<": lambda n: lambda value: type(value) in _NUMBER and value < n,
    "<=": lambda n: lambda value: type(value) in _NUMBER and value <= n,
    ">": lambda n: lambda value: type(value) in _NUMBER and value > n,
    ">=": lambda n: lambda value: type(value) in _NUMBER and value >= n,
}


def matches(trigger: Trigger, event: Mapping[str, Any]) -> bool:
    """Whether the event matches the trigger. Never raises, whatever the event's shape.

    The tree's evaluator is cached; on a hot path prefer compile_trigger(),
    whose cache key (the text) is cheaper to hash than a tree.
    """
    return _cached_evaluator(trigger)(event)


@functools.lru_cache(maxsize=1024)
def compile_trigger(text: str) -> Callable[[Mapping[str, Any]], bool]:
    """A function testing events against the trigger text, parsed once and cached.

    Raises TriggerSyntaxError for a bad text (which is not cached). The
    function never raises, whatever the event's shape.
    """
    return evaluator(parse(text))


@functools.lru_cache(maxsize=256)
def _cached_evaluator(trigger: Trigger) -> Evaluator:
    return evaluator(trigger)


def evaluator(trigger: Trigger) -> Evaluator:
    """The closure that tests an event against a tree."""
    if isinstance(trigger, And):
        return _all_of(tuple(evaluator(child) for child in trigger.children))
    if isinstance(trigger, Or):
        return _any_of(tuple(evaluator(child) for child in trigger.children))
    if isinstance(trigger, Not):
        inner = evaluator(trigger.operand)
        return lambda event: not inner(event)
    return _condition(trigger.field, value_test(trigger))


def _condition(field: Field, test: Test) -> Evaluator:
    # The lookup of the usual fields (`event`, `properties.total`) is written
    # out here rather than called: one call fewer per condition is a fifth
    # of the time of a typical trigger.
    root = field.root
    if not field.path:

        def plain_condition(event: Any) -> bool:
            return test(event.get(root, MISSING) if type(event) is dict else _child(event, root, None))

        return plain_condition
    if len(field.path) == 1:
        key, index = _step(field.path[0])

        def nested_condition(event: Any) -> bool:
            parent = event.get(root, MISSING) if type(event) is dict else _child(event, root, None)
            return test(parent.get(key, MISSING) if type(parent) is dict else _child(parent, key, index))

        return nested_condition
    get = getter(field)
    return lambda event: test(get(event))


# Runs of two and three are spelled out, and longer ones loop by hand:
# either is about twice as fast as all()/any() over a generator.


def _all_of(children: tuple[Evaluator, ...]) -> Evaluator:
    if len(children) == 2:
        first, second = children
        return lambda event: first(event) and second(event)
    if len(children) == 3:
        first, second, third = children
        return lambda event: first(event) and second(event) and third(event)

    def all_of(event: Any) -> bool:
        for child in children:  # noqa: SIM110
            if not child(event):
                return False
        return True

    return all_of


def _any_of(children: tuple[Evaluator, ...]) -> Evaluator:
    if len(children) == 2:
        first, second = children
        return lambda event: first(event) or second(event)
    if len(children) == 3:
        first, second, third = children
        return lambda event: first(event) or second(event) or third(event)

    def any_of(event: Any) -> bool:
        for child in children:  # noqa: SIM110
            if child(event):
                return True
        return False

    return any_of


# Reading fields.


def lookup(field: Field, event: Any) -> Any:
    """The value of a field in an event, or MISSING."""
    return getter(field)(event)


def getter(field: Field) -> Getter:
    """A closure reading one field, MISSING when absent.

    Paths read like lodash `get`, as Segment does: `items.0` and `items[0]`
    both index an array, and an index on an object reads the key "0". Only
    objects and arrays are looked into; a missing or null parent makes the
    field missing.
    """
    root = field.root
    steps = tuple(_step(segment) for segment in field.path)

    def get(event: Any) -> Any:
        value = _child(event, root, None)
        for key, index in steps:
            value = value.get(key, MISSING) if type(value) is dict else _child(value, key, index)
        return value

    return get


def _step(segment: str | int) -> tuple[str, int | None]:
    """A path segment as an object key and, when it can be one, an array index."""
    if isinstance(segment, int):
        return str(segment), segment
    if segment.isascii() and segment.isdigit() and str(int(segment)) == segment:
        return segment, int(segment)
    return segment, None


def _child(container: Any, key: str, index: int | None) -> Any:
    if isinstance(container, Mapping):
        return container.get(key, MISSING)
    if isinstance(container, list | tuple) and index is not None and index < len(container):
        return container[index]
    return MISSING


# Testing values.


def value_test(condition: Compare | In | Contains | Match) -> Test:
    """A closure testing a field's value (possibly MISSING) against one condition."""
    if isinstance(condition, Compare):
        return _compare_test(condition.operator, condition.value)
    if isinstance(condition, In):
        return _in_test(condition.values, condition.negated)
    if isinstance(condition, Contains):
        text = condition.text
        if condition.negated:
            return lambda value: isinstance(value, str) and text not in value
        return lambda value: isinstance(value, str) and text in value
    glob = compile_glob(condition.pattern)
    if condition.negated:
        return lambda value: isinstance(value, str) and not glob(value)
    return lambda value: isinstance(value, str) and glob(value)


def _compare_test(op: str, expected: Value) -> Test:
    if op in _ORDER:
        return _ORDER[op](expected)
    equal = _equality_test(expected)
    if op == "=":
        return equal
    if is_number(expected):
        # Segment's number_not_equals: a number, and a different one.
        return lambda value: type(value) in _NUMBER and value != expected
    return lambda value: not equal(value)


def _equality_test(expected: Value) -> Test:
    if expected is None:
        return lambda value: value is None or value is MISSING
    if isinstance(expected, bool):
        return lambda value: value is expected
    if isinstance(expected, str):
        return lambda value: isinstance(value, str) and value == expected
    return lambda value: type(value) in _NUMBER and value == expected


def _in_test(values: tuple[Value, ...], negated: bool) -> Test:
    # Each element keeps its own typing: ["5", 5] takes the text "5" and the
    # number 5, and null takes a missing field, exactly as `=` would.
    texts = frozenset(v for v in values if isinstance(v, str))
    numbers = frozenset(v for v in values if is_number(v))
    booleans = frozenset(v for v in values if isinstance(v, bool))
    takes_null = None in values

    def is_in(value: Any) -> bool:
        if isinstance(value, str):
            return value in texts
        if value is None or value is MISSING:
            return takes_null
        if isinstance(value, bool):
            return value in booleans
        if type(value) in _NUMBER:
            return value in numbers
        return False

    if negated:
        return lambda value: not is_in(value)
    return is_in
