"""A mapping as one line of text, for the editor's inputs, and back.

    ""                                    no mapping: the field is left out
    $.traits.email                        {"@path": "$.traits.email"}
    $.traits.email | $.properties.email   the first the event has (a chain, see ``chains``)
    $.traits.company | "Unknown"          … else the fixed text "Unknown" (or a number, true, false)
    Hello {{traits.first_name}}           {"@template": ...}
    Web                                   the text "Web" (also "5" and "true": typed values are text)
    {"@literal": 5}                       the number 5 (and true, false: the literal's value)
    {"@if": {...}}  [..]  "…"             any mapping, written as JSON

A text that starts with ``{`` (but not ``{{``), ``[`` or ``"`` is JSON, so every mapping the
language allows can be written, and a literal that would read as a path or
a template is written as a JSON string. ``to_text`` picks the shortest form
that reads back to the same mapping.

Text that looks like a path or a chain but is not one (`traits.email`,
`$.traits.company | Unknown`) is refused with a message saying how to write
the path, or how to quote the text: taken as fixed text it would be sent as
it is to every record.

Beside its value, a field of the editor may have a *default*: fixed text
used when the event has no value (``from_texts``, ``to_texts``). It is the
same mapping as a chain ending in that text.
"""

from __future__ import annotations

import json
import math
from typing import Any

from actions.mapping import chains, paths
from actions.mapping.lookalikes import looks_like_chain, meant_path
from actions.mapping.values import MISSING, MissingType

JSON_STARTS = ("{", "[", '"')
PATH_STARTS = ("$.", "$[")
SEPARATOR = " | "
LITERAL = "@literal"


class MappingTextError(ValueError):
    """The text cannot be read as a mapping; the message follows the field's name."""


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
        except RecursionError:
            raise MappingTextError("is nested too deeply to read (brackets inside brackets)") from None
        return _unwrapped(mapping)
    if looks_like_chain(text):
        return _chain(text)
    if "{{" in text:
        return {"@template": text}
    if text.startswith(PATH_STARTS):
        return {"@path": text}
    meant = meant_path(text)
    if meant is not None:
        raise MappingTextError(
            f'reads as the fixed text "{text}", not the value at {meant}: write {meant} for the value, '
            f'or put the text in quotes ("{text}") if it is meant.'
        )
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


def from_texts(value: str, default: str) -> Any:
    """The mapping of an editor field with its default text (see the module's notes)."""
    mapping = from_text(value)
    fallback = _default(default)
    if fallback is None:
        return mapping
    if mapping is None:
        # Only a default: the field always gets it.
        return fallback
    try:
        return chains.with_fallback(mapping, fallback)
    except chains.ChainError as exc:
        raise MappingTextError(str(exc)) from None


def to_texts(mapping: Any) -> tuple[str, str]:
    """The value and default texts an editor field shows for a mapping (``from_texts`` reads them back)."""
    inner, fallback = chains.split_fallback(mapping)
    if isinstance(fallback, str) and fallback and fallback == fallback.strip():
        value = to_text(inner)
        if _reads_back_with_default(value, fallback, mapping):
            return value, fallback
    return to_text(mapping), ""


def _default(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    # Quotes typed out of habit are not part of the text.
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        try:
            quoted = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return text
        if isinstance(quoted, str) and quoted.strip():
            return quoted
    return text


def _chain(text: str) -> Any:
    parts = [part.strip() for part in _split(text)]
    if any(not part for part in parts):
        raise MappingTextError(
            'has a "|" with nothing on one side: write a value on each side, '
            "like $.traits.company | $.properties.company."
        )
    links: list[str] = []
    for position, part in enumerate(parts):
        if part.startswith(PATH_STARTS) and "{{" not in part:
            reason = paths.error(part)
            if reason is not None:
                raise MappingTextError(f'has "{part}", which is not a valid path: {reason}.')
            links.append(part)
            continue
        meant = meant_path(part)
        if meant is not None:
            raise MappingTextError(f'has "{part}", which is not a path: write {meant}.')
        if position < len(parts) - 1 or not links:
            raise MappingTextError(
                f'has {part} before a "|": only the last value of a chain can be fixed text (in quotes); '
                "the others must be paths like $.traits.email."
            )
        fallback = _fallback(part)
        if fallback is MISSING:
            raise MappingTextError(
                f'ends in {part}, which is neither a path nor text in quotes: write … | "{part}" to fall back '
                "to that text, or put the whole value in quotes if all of it is meant as text."
            )
        return chains.chain(links, fallback)
    return chains.chain(links)


def _split(text: str) -> list[str]:
    """The text cut at each "|" that is not inside a quoted string."""
    parts, start, quoted, escaped = [], 0, False, False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "|" and not quoted:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _fallback(text: str) -> chains.Fallback | MissingType:
    """A chain's last value when it is fixed: text in quotes, a number, true or false."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return MISSING
    if isinstance(value, float) and not math.isfinite(value):
        return MISSING
    return value if chains.is_fallback(value) else MISSING


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
    chain_text = _chain_text(mapping)
    return [chain_text] if chain_text else []


def _chain_text(mapping: Any) -> str | None:
    """`p1 | p2 | "fallback"` for a chain of paths, or None for any other mapping."""
    links: list[str] = []
    while chains.is_link(mapping):
        then = mapping["@if"]["then"]
        if not _is_path_mapping(then):
            return None
        links.append(then["@path"])
        mapping = mapping["@if"]["else"]
    if _is_path_mapping(mapping):
        links.append(mapping["@path"])
    elif links and chains.is_fallback(mapping):
        return SEPARATOR.join([*links, json.dumps(mapping, ensure_ascii=False)])
    else:
        return None
    return SEPARATOR.join(links) if len(links) > 1 else None


def _is_path_mapping(mapping: Any) -> bool:
    return isinstance(mapping, dict) and list(mapping) == ["@path"] and isinstance(mapping["@path"], str)


def _reads_back(text: str, mapping: Any) -> bool:
    try:
        return bool(from_text(text) == mapping)
    except MappingTextError:
        return False


def _reads_back_with_default(value: str, default: str, mapping: Any) -> bool:
    try:
        return bool(from_texts(value, default) == mapping)
    except MappingTextError:
        return False
