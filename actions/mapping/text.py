"""A mapping as one line of text, for the editor's inputs, and back.

    ""                                    no mapping: the field is left out
    $.traits.email                        {"@path": "$.traits.email"}
    $.traits.email | $.properties.email   the catalog's coalesce (see ``editor.coalesce``)
    Hello {{traits.first_name}}           {"@template": ...}
    Web                                   the text "Web" (also "5" and "true": typed values are text)
    {"@literal": 5}                       the number 5 (and true, false: the literal's value)
    {"@if": {...}}  [..]  "…"             any mapping, written as JSON

A text that starts with ``{`` (but not ``{{``), ``[`` or ``"`` is JSON, so every mapping the
language allows can be written, and a literal that would read as a path or
a template is written as a JSON string. ``to_text`` picks the shortest form
that reads back to the same mapping.
"""

from __future__ import annotations

import json
from typing import Any

from actions.mapping.editor import coalesce

JSON_STARTS = ("{", "[", '"')
COALESCE = " | "
LITERAL = "@literal"


class MappingTextError(ValueError):
    """The text is meant as JSON and is not valid JSON."""


def from_text(text: str) -> Any:
    """The mapping a text stands for; None for an empty text. Raises ``MappingTextError``."""
    text = text.strip()
    if not text:
        return None
    # "{{" opens a template; no JSON text starts with it.
    if text.startswith(JSON_STARTS) and not text.startswith("{{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingTextError(f"is not valid JSON ({exc.msg} at column {exc.colno})") from None
        return _unwrapped(mapping)
    if _is_path(text):
        return {"@path": text}
    first, sep, second = text.partition(COALESCE)
    if sep and _is_path(first.strip()) and _is_path(second.strip()):
        return coalesce(first.strip(), second.strip())
    if "{{" in text:
        return {"@template": text}
    return text


def to_text(mapping: Any) -> str:
    """The text the editor shows for a mapping (``from_text`` reads it back to the same mapping)."""
    if mapping is None:
        return ""
    for candidate in _short_forms(mapping):
        if candidate and _reads_back(candidate, mapping):
            return candidate
    if isinstance(mapping, bool | int | float):
        # Typed as is, 5 or true would read as text; the literal reads back as the value.
        return json.dumps({LITERAL: mapping})
    return json.dumps(mapping, ensure_ascii=False)


def _unwrapped(mapping: Any) -> Any:
    """A literal number or boolean is the value itself (the two evaluate alike)."""
    if (
        isinstance(mapping, dict)
        and list(mapping) == [LITERAL]
        and isinstance(mapping[LITERAL], bool | int | float)
    ):
        return mapping[LITERAL]
    return mapping


def _short_forms(mapping: Any) -> list[str]:
    if isinstance(mapping, str):
        return [mapping]
    if not isinstance(mapping, dict) or len(mapping) != 1:
        return []
    if isinstance(mapping.get("@path"), str):
        return [mapping["@path"]]
    if isinstance(mapping.get("@template"), str):
        return [mapping["@template"]]
    branches = mapping.get("@if")
    if isinstance(branches, dict):
        then, otherwise = branches.get("then"), branches.get("else")
        if isinstance(then, dict) and isinstance(otherwise, dict):
            return [f"{then.get('@path')}{COALESCE}{otherwise.get('@path')}"]
    return []


def _reads_back(text: str, mapping: Any) -> bool:
    try:
        return bool(from_text(text) == mapping)
    except MappingTextError:
        return False


def _is_path(text: str) -> bool:
    return text.startswith("$.") and " " not in text and "{{" not in text
