"""Org customisations tests inject: validation rules and duplicate rules.

A validation rule blocks a save when its condition holds for the record as it
would be saved (``FIELD_CUSTOM_VALIDATION_EXCEPTION`` with the rule's own
message). A duplicate rule blocks a save when another live record has the
same values in all its fields (``DUPLICATES_DETECTED``).

Conditions are data so that the control API can carry them:
``{"field": "Email", "op": "ends_with", "value": "@blocked.example"}``,
combined with ``{"all": [...]}`` or ``{"any": [...]}``. In-process callers may
pass a ``predicate`` function instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda actual, expected: _text(actual) == _text(expected),
    "not_equals": lambda actual, expected: _text(actual) != _text(expected),
    "contains": lambda actual, expected: _text(expected) in _text(actual),
    "starts_with": lambda actual, expected: _text(actual).startswith(_text(expected)),
    "ends_with": lambda actual, expected: _text(actual).endswith(_text(expected)),
    "matches": lambda actual, expected: re.search(str(expected), str(actual or "")) is not None,
    "is_blank": lambda actual, _: actual is None or actual == "",
    "is_not_blank": lambda actual, _: actual is not None and actual != "",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value).lower()


def condition_holds(condition: dict[str, Any], record: Record) -> bool:
    """Whether a declarative condition is true for ``record``."""
    if "all" in condition:
        return all(condition_holds(c, record) for c in condition["all"])
    if "any" in condition:
        return any(condition_holds(c, record) for c in condition["any"])
    op = _OPS.get(condition.get("op", "equals"))
    if op is None:
        raise ValueError(f"unknown condition op {condition.get('op')!r}; one of {sorted(_OPS)}")
    return op(_field_value(record, condition["field"]), condition.get("value"))


def _field_value(record: Record, name: str) -> Any:
    for key, value in record.items():
        if key.lower() == name.lower():
            return value
    return None


@dataclass
class ValidationRule:
    object_name: str
    message: str
    error_field: str | None = None
    condition: dict[str, Any] | None = None
    predicate: Callable[[Record], bool] | None = field(default=None, repr=False)
    name: str = ""

    def violated_by(self, record: Record) -> bool:
        if self.predicate is not None:
            return bool(self.predicate(record))
        return self.condition is not None and condition_holds(self.condition, record)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "object": self.object_name,
            "message": self.message,
            "errorField": self.error_field,
            "condition": self.condition,
        }


@dataclass
class DuplicateRule:
    object_name: str
    fields: list[str]
    message: str = "Use one of these records?"
    name: str = ""

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "object": self.object_name, "fields": self.fields, "message": self.message}
