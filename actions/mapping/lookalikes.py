"""Fixed text that looks like a path or a chain, which is almost always a mistake.

`traits.email`, `$traits.email` or `$.traits.company | Unknown` written where
a value is expected would be sent as that very text to every record. The
editor refuses such text unless it is quoted; a configuration file is warned
about it (in JSON the text is explicit, but still rarely meant).
"""

from __future__ import annotations

import re
from typing import Any

from actions.mapping.evaluation import directive_name
from actions.mapping.validation import MappingError, Where

# Top-level keys of a message that are objects: `traits.email` means a path.
_ROOT_OBJECTS = re.compile(r"^(traits|properties|context|integrations)[.\[]")
# Top-level ids no one writes as text.
_ROOT_IDS = frozenset({"userId", "anonymousId", "groupId", "previousId", "messageId"})
# `$traits.email`: a "$." missing its dot; `$5.00` is a price, not a path.
_DOLLAR_NAME = re.compile(r"^\$[A-Za-z_][\w ]*[.\[]")
# Directives whose argument is text in their own language, not a mapping.
_TEXT_ARGUMENTS = frozenset({"@path", "@template", "@literal"})


def meant_path(text: str) -> str | None:
    """The path a piece of text probably stands for, written with `$.`; None when it reads as text."""
    text = text.strip()
    if text.startswith(("$.", "$[")):
        return text
    if _DOLLAR_NAME.match(text):
        return "$." + text[1:]
    if _ROOT_OBJECTS.match(text) or text in _ROOT_IDS:
        return "$." + text
    return None


def looks_like_chain(text: str) -> bool:
    """Whether text has a `|` with something path-like beside it."""
    parts = text.split("|")
    return len(parts) > 1 and any(meant_path(part) is not None for part in parts)


def literal_warnings(mapping: Any) -> list[MappingError]:
    """Every fixed text in a mapping that looks like a path or a chain, with where it is.

    Text inside @literal is meant as it is, and the arguments of @path and
    @template are paths and templates already.
    """
    found: list[MappingError] = []
    _walk(mapping, (), found, 0)
    return found


def warning_for(text: str) -> str:
    """What to say about one piece of fixed text that looks like a path or a chain."""
    path = meant_path(text)
    if path is not None and "|" not in text:
        return (
            f'"{text}" is fixed text, not the value at {path}: write {{"@path": "{path}"}} for the value, '
            f'or {{"@literal": "{text}"}} if the text is meant.'
        )
    return (
        f'"{text}" is fixed text that looks like a chain of paths: write it with @if and @path '
        f'for the first value the event has, or {{"@literal": …}} if the text is meant.'
    )


def _walk(mapping: Any, where: Where, found: list[MappingError], depth: int) -> None:
    if depth > 64:
        return
    if isinstance(mapping, str):
        if meant_path(mapping) is not None or looks_like_chain(mapping):
            found.append(MappingError(where, warning_for(mapping)))
    elif isinstance(mapping, list):
        for i, item in enumerate(mapping):
            _walk(item, (*where, i), found, depth + 1)
    elif isinstance(mapping, dict):
        name = directive_name(mapping)
        if name in _TEXT_ARGUMENTS:
            return
        if name == "@arrayPath" and isinstance(mapping[name], list):
            # Its first item may be the array's path, as text.
            for i, item in enumerate(mapping[name]):
                if i or not isinstance(item, str):
                    _walk(item, (*where, name, i), found, depth + 1)
            return
        if name is not None:
            _walk(mapping[name], (*where, name), found, depth + 1)
            return
        for key, member in mapping.items():
            _walk(member, (*where, key), found, depth + 1)
