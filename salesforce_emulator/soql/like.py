"""SOQL ``LIKE``: ``%`` any run, ``_`` one character, case-insensitive.

Patterns are matched without regular expressions: a pattern of only ``%``
and literal text is checked with ``startswith``/``find``/``endswith`` (each
``%``-separated part is placed as early as possible, which is enough); one
with ``_`` uses the classic wildcard walk that backtracks only to the last
``%``. Both are bounded by the text times the pattern length, so no pattern
can make a query hang.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

_ANY_RUN = object()
_ANY_CHAR = object()
Item = str | object


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lowered = char.lower()
    # A few characters lower to two (İ); keep them so "_" still means one.
    return lowered if len(lowered) == 1 else char


def fold_chars(text: str) -> str:
    """Lower-case ``text`` one character at a time, keeping its length."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def compile_pattern(pattern: str, escaped: frozenset[int]) -> Callable[[str], bool]:
    """A matcher for a decoded LIKE pattern.

    ``escaped`` holds the offsets of ``%`` and ``_`` written as ``\\%`` and
    ``\\_``: they match themselves.
    """
    items: list[Item] = []
    for offset, char in enumerate(pattern):
        if offset in escaped:
            items.append(_fold_char(char))
        elif char == "%":
            if not items or items[-1] is not _ANY_RUN:
                items.append(_ANY_RUN)
        elif char == "_":
            items.append(_ANY_CHAR)
        else:
            items.append(_fold_char(char))
    if _ANY_CHAR in items:
        return lambda text: _walk(items, fold_chars(text))
    parts = _literal_parts(items)
    return lambda text: _place(parts, fold_chars(text))


def _literal_parts(items: list[Item]) -> list[str]:
    """The text between ``%`` signs: ``a%b%`` -> ``["a", "b", ""]``."""
    parts = [""]
    for item in items:
        if item is _ANY_RUN:
            parts.append("")
        else:
            parts[-1] += str(item)
    return parts


def _place(parts: list[str], text: str) -> bool:
    if len(parts) == 1:
        return text == parts[0]
    first, *middle, last = parts
    if not text.startswith(first) or len(text) < len(first) + len(last):
        return False
    position, limit = len(first), len(text) - len(last)
    for part in middle:
        found = text.find(part, position, limit)
        if found < 0:
            return False
        position = found + len(part)
    return text.endswith(last) and position <= limit


def _walk(items: list[Item], text: str) -> bool:
    item_at = text_at = 0
    star, star_text = -1, 0
    while text_at < len(text):
        item = items[item_at] if item_at < len(items) else None
        if item is _ANY_RUN:
            star, star_text = item_at, text_at
            item_at += 1
        elif item is not None and (item is _ANY_CHAR or item == text[text_at]):
            item_at += 1
            text_at += 1
        elif star >= 0:
            star_text += 1
            item_at, text_at = star + 1, star_text
        else:
            return False
    while item_at < len(items) and items[item_at] is _ANY_RUN:
        item_at += 1
    return item_at == len(items)
