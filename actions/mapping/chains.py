"""Chains: the first value of several that the event has, else a fallback.

    $.traits.company | $.properties.company | "Unknown company"

is written as nested coalesces, the shape the hosted products use for
their own `traits.x | properties.x` defaults, so a chain reads the same
there as here:

    {"@if": {"exists": {"@path": "$.traits.company"},
             "then":   {"@path": "$.traits.company"},
             "else":   {"@if": {"exists": {"@path": "$.properties.company"},
                                "then":   {"@path": "$.properties.company"},
                                "else":   "Unknown company"}}}}

A link is taken when its value is present and not null (as @if "exists"
decides). The fallback is a fixed text, number or boolean, always at the
innermost "else", so that one chain has one way to be written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from actions.mapping.evaluation import directive_name
from actions.mapping.values import MISSING, MissingType

Fallback = str | int | float | bool


class ChainError(ValueError):
    """A fallback that cannot be added, phrased to follow the field's name."""


def is_fallback(value: Any) -> bool:
    """Whether a mapping is a fixed value that can end a chain: text, a number or a boolean."""
    return isinstance(value, str | int | float | bool)


def link(mapping: Any, rest: Any) -> dict[str, Any]:
    """`mapping` when the event has it (present, not null), else `rest`."""
    return {"@if": {"exists": mapping, "then": mapping, "else": rest}}


def chain(paths: Sequence[str], fallback: Fallback | MissingType = MISSING) -> Any:
    """The mapping of `p1 | p2 | … | fallback`; a single path without fallback is a plain @path."""
    if not paths:
        raise ValueError("a chain needs at least one path")
    last: Any = {"@path": paths[-1]}
    if fallback is not MISSING:
        last = link(last, fallback)
    for path in reversed(paths[:-1]):
        last = link({"@path": path}, last)
    return last


def is_link(mapping: Any) -> bool:
    """Whether a mapping is one coalesce: @if whose "exists" and "then" are the same mapping."""
    if not isinstance(mapping, dict) or list(mapping) != ["@if"]:
        return False
    opts = mapping["@if"]
    return (
        isinstance(opts, dict)
        and sorted(opts) == ["else", "exists", "then"]
        and opts["exists"] == opts["then"]
    )


def split_fallback(mapping: Any) -> tuple[Any, Fallback | MissingType]:
    """The mapping without its fallback, and the fallback (MISSING when it has none).

    The inverse of ``with_fallback``: ``with_fallback(*split_fallback(m)) == m``
    for every mapping that has a fallback.
    """
    if not is_link(mapping):
        return mapping, MISSING
    opts = mapping["@if"]
    rest = opts["else"]
    if is_fallback(rest):
        return opts["then"], rest
    inner, fallback = split_fallback(rest)
    if fallback is MISSING:
        return mapping, MISSING
    return link(opts["then"], inner), fallback


def with_fallback(mapping: Any, fallback: Fallback) -> Any:
    """The mapping, falling back to a fixed value when the event has no value for it.

    A chain gets the fallback at its end; any other mapping read from the
    event is wrapped in one coalesce. Raises ChainError for a mapping that
    cannot take one: nothing, a fixed value, or one that has a fallback already.
    """
    if mapping is None:
        raise ChainError("has a default but no value to fall back from")
    name = directive_name(mapping) if isinstance(mapping, dict) else None
    if name is None or name == "@literal":
        # Text, numbers, lists and plain objects always have their value.
        raise ChainError(
            "has a fixed value, which needs no default: a default is for values read from the event"
        )
    if name == "@template":
        raise ChainError(
            "is a template, which always gives text (empty where the event lacks a value), "
            "so a default would never be used"
        )
    if split_fallback(mapping)[1] is not MISSING:
        raise ChainError("has a fallback at the end of its value already: give the default once")
    if is_link(mapping):
        opts = mapping["@if"]
        return link(opts["then"], with_fallback(opts["else"], fallback))
    return link(mapping, fallback)
