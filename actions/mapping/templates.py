"""@template text: `"{{traits.first_name}} <{{traits.email}}>"`.

`{{path}}` and `{{{path}}}` are the same placeholder (mapping-kit once
HTML-escaped the double form; it no longer does). Spaces inside the braces
are ignored. A template is parsed once and cached by its text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from actions.mapping import paths
from actions.mapping.values import text

# Triple braces first, so that "{{{x}}}" is one placeholder and not "{" + "{{x}}" + "}".
_PLACEHOLDER = re.compile(r"\{\{\{([^}]*)\}\}\}|\{\{([^}]*)\}\}")

# A template is literal text and the steps of each placeholder, in order.
Part = str | paths.Steps


class TemplateSyntaxError(ValueError):
    """Why a template cannot be read, phrased to follow "@template ..."."""


@lru_cache(maxsize=4096)
def parse(template: str) -> tuple[Part, ...]:
    """The parts of a template; raises TemplateSyntaxError saying what is wrong with it."""
    parts: list[Part] = []
    at = 0
    for match in _PLACEHOLDER.finditer(template):
        _literal(template[at : match.start()], parts)
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        path = inner.strip()
        if not path:
            raise TemplateSyntaxError(f'has an empty placeholder "{match.group(0)}"')
        try:
            parts.append(paths.parse(path))
        except paths.PathSyntaxError as exc:
            raise TemplateSyntaxError(f'placeholder "{match.group(0)}" is not a valid path: {exc}') from None
        at = match.end()
    _literal(template[at:], parts)
    return tuple(parts)


def _literal(chunk: str, parts: list[Part]) -> None:
    # A "{{" left over opens nothing: mapping-kit would print it as it is,
    # which is almost always a typo the user wants to hear about.
    if "{{" in chunk:
        raise TemplateSyntaxError('has a "{{" without a matching "}}"')
    if chunk:
        parts.append(chunk)


def error(template: str) -> str | None:
    """Why the template cannot be read, or None when it can."""
    try:
        parse(template)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def render(template: str, event: Any) -> str:
    """The template with each placeholder replaced by the event's value as text.

    A missing or null value reads as nothing. Values are put in once: a
    value that itself contains "{{x}}" stays as it is (mapping-kit expands
    triple-brace values a second time).
    """
    return "".join(
        part if isinstance(part, str) else text(paths.lookup(part, event)) for part in parse(template)
    )


def steps_used(template: str) -> list[paths.Steps]:
    """The steps of every placeholder, for listing the paths a mapping reads."""
    return [part for part in parse(template) if not isinstance(part, str)]
