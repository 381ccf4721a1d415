"""Testing an event against a trigger, with the hosted products' strict typing.

``= "s"`` matches only that string and ``= 5`` only that number; ``<`` and
friends only numbers (a numeric string never matches); ``!= "s"`` is true when
the field is missing; ``contains`` and ``match`` need a string. Triggers are
compiled once into closures: the router tests every action's trigger on
every incoming event.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from actions.triggers.nodes import And, Call, Compare, Field, In, Node, Not, Value
from actions.triggers.parsing import parse

Event = Mapping[str, Any]
Check = Callable[[Event], bool]


class _Missing:
    def __repr__(self) -> str:
        return "missing"


MISSING: Any = _Missing()
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def value_at(field: Field, event: Event) -> Any:
    """The event's value at the field, or MISSING."""
    current: Any = event.get(field.root, MISSING) if isinstance(event, Mapping) else MISSING
    for step in field.path:
        if isinstance(step, int) and isinstance(current, list) and 0 <= step < len(current):
            current = current[step]
        elif isinstance(current, Mapping) and str(step) in current:
            current = current[str(step)]
        else:
            return MISSING
    return current


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def equals(actual: Any, expected: Value) -> bool:
    """``=`` in the trigger language: same type and value; null is missing or null."""
    if expected is None:
        return actual is MISSING or actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual is expected
    if _is_number(expected):
        return _is_number(actual) and actual == expected
    return isinstance(actual, str) and actual == expected


def _compare(node: Compare) -> Check:
    field, value, op = node.field, node.value, node.op
    if op == "=":
        return lambda event: equals(value_at(field, event), value)
    if op == "!=":
        if _is_number(value):
            # As in the hosted products: a numeric inequality needs a number.
            return lambda event: _is_number(actual := value_at(field, event)) and actual != value
        return lambda event: not equals(value_at(field, event), value)
    order = _ORDER[op]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{op} compares with a number")  # the parser never builds this
    limit = value
    return lambda event: _is_number(actual := value_at(field, event)) and bool(order(actual, limit))


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A full glob: ``*`` any text, ``?`` one character, ``[a-z]`` a class, ``\\x`` a literal x."""
    out = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if char == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
            continue
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[" and (close := glob.find("]", i + 2)) > 0:
            body = glob[i + 1 : close]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\").replace("^", "\\^") + "]")
            i = close + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _call(node: Call) -> Check:
    field, negated = node.field, node.negated
    if node.func == "contains":
        needle = node.argument

        def test(text: str) -> bool:
            return needle in text
    else:
        pattern = glob_pattern(node.argument)

        def test(text: str) -> bool:
            return pattern.fullmatch(text) is not None

    def check(event: Event) -> bool:
        actual = value_at(field, event)
        return isinstance(actual, str) and test(actual) != negated

    return check


@lru_cache(maxsize=4096)
def compile_node(node: Node) -> Check:
    """A fast check for a parsed trigger."""
    if isinstance(node, Compare):
        return _compare(node)
    if isinstance(node, In):
        values, field, negated = node.values, node.field, node.negated
        return lambda event: any(equals(value_at(field, event), v) for v in values) != negated
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, Not):
        inner = compile_node(node.operand)
        return lambda event: not inner(event)
    checks = tuple(compile_node(operand) for operand in node.operands)
    if isinstance(node, And):
        return lambda event: all(check(event) for check in checks)
    return lambda event: any(check(event) for check in checks)


def matches(trigger: Node, event: Event) -> bool:
    """Whether the event is one the trigger takes. Never raises on any event."""
    return compile_node(trigger)(event)


@lru_cache(maxsize=1024)
def compile_trigger(text: str) -> Check:
    """Parse once and compile: the check the router runs for every event."""
    return compile_node(parse(text))


def explain(trigger: Node, event: Event) -> str | None:
    """None when the event matches; else why not, naming the condition and the value it saw."""
    if matches(trigger, event):
        return None
    from actions.triggers.generation import generate

    node = trigger
    while isinstance(node, And):
        node = next(operand for operand in node.operands if not matches(operand, event))
    if isinstance(node, Compare | In | Call):
        return f"{generate(node)} is false: {_seen(node.field, event)}"
    if isinstance(node, Not):
        return f"{generate(node)} is false: {generate(node.operand)} is true"
    reasons = [explain(operand, event) or "" for operand in node.operands]
    return f"none of the alternatives holds: {'; '.join(reasons)}"


def _seen(field: Field, event: Event) -> str:
    from actions.triggers.generation import field_text

    actual = value_at(field, event)
    if actual is MISSING:
        return f"{field_text(field)} is missing"
    return f"{field_text(field)} is {json.dumps(actual, ensure_ascii=False, default=str)[:200]}"
