"""Say in one line why an event does not match a trigger, for the editor's preview."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actions.triggers.canonical import condition_text, field_text, generate, quote, value_text
from actions.triggers.evaluation import MISSING, evaluator, lookup, matches
from actions.triggers.nodes import (
    CONDITION_TYPES,
    And,
    Compare,
    Condition,
    Contains,
    In,
    Match,
    Not,
    Or,
    Trigger,
    is_number,
)

# Long texts are cut so the reason stays one line.
MAX_SHOWN = 60


def explain(trigger: Trigger, event: Mapping[str, Any]) -> str | None:
    """None when the event matches; else the first condition that fails, and the actual value.

    `type = "identify" is false: type is "track"`. In an `and`, the first
    false child is explained; in an `or`, where every child is false, the
    first one. Never raises, whatever the event's shape.
    """
    if matches(trigger, event):
        return None
    return _why_false(trigger, event)


def _why_false(node: Trigger, event: Any) -> str:
    if isinstance(node, And):
        failing = next(child for child in node.children if not evaluator(child)(event))
        return _why_false(failing, event)
    if isinstance(node, Or):
        return _why_false(node.children[0], event)
    if isinstance(node, Not):
        if isinstance(node.operand, CONDITION_TYPES):
            return f"{generate(node)} is false: {_actual(node.operand, event, mismatch=False)}"
        return f"{generate(node)} is false: {generate(node.operand)} is true"
    return f"{condition_text(node)} is false: {_actual(node, event, mismatch=True)}"


def _actual(condition: Condition, event: Any, mismatch: bool) -> str:
    value = lookup(condition.field, event)
    text = f"{field_text(condition.field)} is {describe(value)}"
    expected = _expected_kind(condition)
    actual = _kind(value)
    if mismatch and expected and actual != expected:
        if actual:
            text += f" ({actual}, not {expected})"
        elif isinstance(value, Mapping | list | tuple):
            text += f" (not {expected})"
    return text


def describe(value: Any) -> str:
    """A value as the preview shows it."""
    if value is MISSING:
        return "missing"
    if value is None or isinstance(value, bool) or is_number(value):
        return value_text(value)
    if isinstance(value, str):
        return quote(value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…")
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    return f"a {type(value).__name__}"


def _kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true or false"
    if is_number(value):
        return "a number"
    return None


def _expected_kind(condition: Condition) -> str | None:
    if isinstance(condition, Contains | Match):
        return "text"
    if isinstance(condition, In) or (isinstance(condition, Compare) and condition.value is None):
        return None
    return _kind(condition.value)
