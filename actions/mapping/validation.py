"""Checking a mapping when it is saved, so that it cannot fail when events are sent.

Every error says where it is (`("Email", "@if", "then")`) and what to do, in
words a marketer understands. `validate` never raises, whatever it is given.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actions.mapping import paths, templates
from actions.mapping.evaluation import DIRECTIVES

# Real mappings nest a handful of levels; a hard limit keeps validation and
# evaluation far from the interpreter's recursion limit.
MAX_DEPTH = 32
# Directives inside directives: real mappings use a few (@if around a
# @template; a chain of n paths is n nested @if); far deeper ones only serve
# to multiply text (@replace in @replace), which the evaluation budget stops
# anyway.
MAX_DIRECTIVE_DEPTH = 16
# mapping-kit allows 10 characters; with the pattern taken literally there is
# nothing to protect, and "Incorporated" → "Inc." is a real need.
MAX_PATTERN_LENGTH = 100

# Directives of the hosted products that we know of but do not run.
UNSUPPORTED = ("@transform", "@liquid")

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class MappingError:
    """One problem in a mapping: where it is (keys and array positions) and what is wrong."""

    path: Where
    message: str


class _Checker:
    def __init__(self) -> None:
        self.errors: list[MappingError] = []

    def error(self, where: Where, message: str) -> None:
        self.errors.append(MappingError(where, message))

    def mapping(self, value: Any, where: Where, depth: int = 0) -> None:
        """Any mapping: a directive object, or a JSON value whose members are mappings."""
        if depth > MAX_DEPTH:
            self.error(where, f"The mapping is nested too deeply (more than {MAX_DEPTH} levels).")
        elif isinstance(value, dict):
            self._object(value, where, depth)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.mapping(item, (*where, i), depth + 1)
        elif isinstance(value, float) and not math.isfinite(value):
            self.error(where, "Numbers must be finite.")
        elif value is not None and not isinstance(value, str | int | float):
            self.error(where, f"A {type(value).__name__} is not a JSON value.")

    def _object(self, obj: dict[Any, Any], where: Where, depth: int) -> None:
        if any(not isinstance(key, str) for key in obj):
            self.error(where, "Object keys must be text.")
            return
        names = [key for key in obj if key.startswith("@")]
        if not names:
            for key, member in obj.items():
                self.mapping(member, (*where, key), depth + 1)
            return
        if len(names) > 1:
            self.error(where, f"Use one directive per object; this one has {_listing(names)}.")
            return
        name = names[0]
        others = [key for key in obj if key != name and key != "_metadata"]
        if others:
            self.error(
                where,
                f"{name} must be alone in its object; move {_listing(others)} to another object.",
            )
            return
        # Every directive above this one left its name in `where`.
        if sum(1 for part in where if isinstance(part, str) and part.startswith("@")) >= MAX_DIRECTIVE_DEPTH:
            self.error(
                where,
                f"Directives are nested more than {MAX_DIRECTIVE_DEPTH} deep here; "
                "split the mapping or use fewer directives inside one another.",
            )
            return
        check = _DIRECTIVE_CHECKS.get(name)
        if check is None:
            if name in UNSUPPORTED:
                self.error(where, f"{name} is not supported here.")
            else:
                self.error(where, f'"{name}" is not a directive; use one of {", ".join(DIRECTIVES)}.')
            return
        check(self, obj[name], (*where, name), depth + 1)

    def options(
        self, name: str, opts: Any, where: Where, keys: tuple[str, ...], example: str
    ) -> dict[str, Any] | None:
        """The options object of a directive, reporting any key it doesn't take."""
        if not isinstance(opts, dict):
            self.error(where, f"{name} must be an object like {example}.")
            return None
        for key in opts:
            if key not in keys:
                self.error((*where, key), f'{name} doesn\'t take "{key}"; it takes {_listing(keys)}.')
        return opts

    def path_text(self, name: str, value: Any, where: Where) -> None:
        if not isinstance(value, str):
            self.error(where, f'{name} must be a string like "$.traits.email".')
            return
        reason = paths.error(value)
        if reason is not None:
            self.error(where, f'{name} "{value}" is not a valid path: {reason}.')

    def required(self, name: str, opts: dict[str, Any], key: str, where: Where) -> bool:
        if key in opts:
            return True
        self.error(where, f'{name} needs "{key}".')
        return False

    def boolean(self, name: str, opts: dict[str, Any], key: str, where: Where) -> None:
        if key in opts and not isinstance(opts[key], bool):
            self.error((*where, key), f'{name} "{key}" must be true or false.')


def _listing(keys: Any) -> str:
    return ", ".join(f'"{key}"' for key in keys)


def _check_path(c: _Checker, value: Any, where: Where, depth: int) -> None:
    c.path_text("@path", value, where)


def _check_template(c: _Checker, value: Any, where: Where, depth: int) -> None:
    if not isinstance(value, str):
        c.error(where, '@template must be text with placeholders, like "{{traits.first_name}}".')
        return
    reason = templates.error(value)
    if reason is not None:
        c.error(where, f"@template {reason}.")


def _check_literal(c: _Checker, value: Any, where: Where, depth: int) -> None:
    c.mapping(value, where, depth)


def _check_if(c: _Checker, value: Any, where: Where, depth: int) -> None:
    opts = c.options(
        "@if",
        value,
        where,
        ("exists", "blank", "then", "else"),
        '{"exists": {"@path": "$.traits.phone"}, "then": ..., "else": ...}',
    )
    if opts is None:
        return
    conditions = [key for key in ("exists", "blank") if key in opts]
    if not conditions:
        c.error(where, '@if needs "exists" or "blank".')
    elif len(conditions) > 1:
        c.error(where, '@if takes "exists" or "blank", not both.')
    if "then" not in opts and "else" not in opts:
        c.error(where, '@if needs "then" or "else".')
    for key in ("exists", "blank", "then", "else"):
        if key in opts:
            c.mapping(opts[key], (*where, key), depth + 1)


def _check_case(c: _Checker, value: Any, where: Where, depth: int) -> None:
    opts = c.options(
        "@case",
        value,
        where,
        ("operator", "value"),
        '{"operator": "lower", "value": {"@path": "$.traits.email"}}',
    )
    if opts is None:
        return
    if opts.get("operator") not in ("lower", "upper"):
        c.error((*where, "operator"), '@case operator must be "lower" or "upper".')
    if c.required("@case", opts, "value", where):
        c.mapping(opts["value"], (*where, "value"), depth + 1)


def _check_pattern(c: _Checker, opts: dict[str, Any], key: str, where: Where, empty_ok: bool) -> None:
    if key not in opts:
        return
    pattern = opts[key]
    if not isinstance(pattern, str) or (not pattern and not empty_ok):
        what = "text (it may be empty)" if empty_ok else "some text to look for"
        c.error((*where, key), f'@replace "{key}" must be {what}.')
    elif len(pattern) > MAX_PATTERN_LENGTH:
        c.error((*where, key), f'@replace "{key}" must be at most {MAX_PATTERN_LENGTH} characters.')


def _check_replace(c: _Checker, value: Any, where: Where, depth: int) -> None:
    opts = c.options(
        "@replace",
        value,
        where,
        ("value", "pattern", "replacement", "pattern2", "replacement2", "global", "ignorecase"),
        '{"value": {"@path": "$.traits.phone"}, "pattern": "-", "replacement": ""}',
    )
    if opts is None:
        return
    if c.required("@replace", opts, "value", where):
        c.mapping(opts["value"], (*where, "value"), depth + 1)
    if c.required("@replace", opts, "pattern", where):
        _check_pattern(c, opts, "pattern", where, empty_ok=False)
    _check_pattern(c, opts, "replacement", where, empty_ok=True)
    _check_pattern(c, opts, "pattern2", where, empty_ok=False)
    _check_pattern(c, opts, "replacement2", where, empty_ok=True)
    if "replacement2" in opts and "pattern2" not in opts:
        c.error(where, '@replace "replacement2" needs a "pattern2".')
    c.boolean("@replace", opts, "global", where)
    c.boolean("@replace", opts, "ignorecase", where)


def _check_array_path(c: _Checker, value: Any, where: Where, depth: int) -> None:
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        c.error(
            where, '@arrayPath must be a list like ["$.properties.products", {"sku": {"@path": "$.sku"}}].'
        )
        return
    source = value[0]
    if isinstance(source, str):
        c.path_text("@arrayPath", source, (*where, 0))
    elif isinstance(source, dict) and any(str(key).startswith("@") for key in source):
        c.mapping(source, (*where, 0), depth + 1)
    else:
        c.error(
            (*where, 0), '@arrayPath must start with a path like "$.properties.products", or a directive.'
        )
    if len(value) == 2:
        if isinstance(value[1], dict):
            # The shape's paths are read from each item, so they are checked
            # like any mapping's.
            c.mapping(value[1], (*where, 1), depth + 1)
        else:
            c.error((*where, 1), '@arrayPath item shape must be an object like {"sku": {"@path": "$.sku"}}.')


def _check_json(c: _Checker, value: Any, where: Where, depth: int) -> None:
    opts = c.options(
        "@json", value, where, ("mode", "value"), '{"mode": "encode", "value": {"@path": "$.traits"}}'
    )
    if opts is None:
        return
    if opts.get("mode") not in ("encode", "decode"):
        c.error((*where, "mode"), '@json mode must be "encode" or "decode".')
    if c.required("@json", opts, "value", where):
        c.mapping(opts["value"], (*where, "value"), depth + 1)


def _check_merge(c: _Checker, value: Any, where: Where, depth: int) -> None:
    opts = c.options(
        "@merge",
        value,
        where,
        ("objects", "direction"),
        '{"objects": [{"city": "unknown"}, {"@path": "$.traits.address"}], "direction": "right"}',
    )
    if opts is None:
        return
    if "direction" in opts and opts["direction"] not in ("left", "right"):
        c.error((*where, "direction"), '@merge direction must be "left" or "right".')
    if not c.required("@merge", opts, "objects", where):
        return
    objects = opts["objects"]
    if not isinstance(objects, list):
        c.error((*where, "objects"), "@merge objects must be a list of objects or directives.")
        return
    for i, item in enumerate(objects):
        if isinstance(item, dict):
            c.mapping(item, (*where, "objects", i), depth + 2)
        else:
            c.error((*where, "objects", i), "@merge objects must be a list of objects or directives.")


def _check_flatten(c: _Checker, value: Any, where: Where, depth: int) -> None:
    opts = c.options(
        "@flatten",
        value,
        where,
        ("value", "separator", "omitArrays"),
        '{"value": {"@path": "$.traits"}, "separator": "."}',
    )
    if opts is None:
        return
    if c.required("@flatten", opts, "value", where):
        c.mapping(opts["value"], (*where, "value"), depth + 1)
    if c.required("@flatten", opts, "separator", where):
        separator = opts["separator"]
        if not isinstance(separator, str) or not separator:
            c.error((*where, "separator"), '@flatten separator must be some text, like ".".')
    c.boolean("@flatten", opts, "omitArrays", where)


def _check_exclude_when_null(c: _Checker, value: Any, where: Where, depth: int) -> None:
    c.mapping(value, where, depth)


_DIRECTIVE_CHECKS: dict[str, Callable[[_Checker, Any, Where, int], None]] = {
    "@path": _check_path,
    "@template": _check_template,
    "@literal": _check_literal,
    "@if": _check_if,
    "@case": _check_case,
    "@replace": _check_replace,
    "@arrayPath": _check_array_path,
    "@json": _check_json,
    "@merge": _check_merge,
    "@flatten": _check_flatten,
    "@excludeWhenNull": _check_exclude_when_null,
}


def validate(mapping: Any) -> list[MappingError]:
    """Every problem in a mapping, in reading order; an empty list when it is valid.

    A mapping that validates can be evaluated against any event without
    raising. Never raises itself, whatever it is given.
    """
    checker = _Checker()
    checker.mapping(mapping, ())
    return checker.errors
