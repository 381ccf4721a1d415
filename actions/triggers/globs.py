"""Glob patterns of `match(field, "pattern")`, as Segment's FQL defines them.

`*` is any run of characters (none included), `?` exactly one character,
`[abc]` / `[a-z]` one of a set (`[!a-z]` or `[^a-z]` one outside it), `\\x`
the character x itself. A pattern matches the whole text, case-sensitively.
Segment's subscription evaluator only knew a leading or trailing `*`; those
are special cases here and mean the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CharClass:
    """`[...]` already written as a regular-expression class."""

    regex: str


# A parsed pattern: ("literal", text), ("star", ""), ("one", "") or ("class", CharClass).
Piece = tuple[str, str | CharClass]

_UNCLOSED = "The [ in the pattern is never closed"
_BRACKET_HINT = "write \\[ to match a ["


class GlobError(ValueError):
    """A pattern that cannot be read; `offset` is the index in the pattern."""

    def __init__(self, reason: str, offset: int, hint: str) -> None:
        super().__init__(f"{reason}; {hint}")
        self.reason = reason
        self.offset = offset
        self.hint = hint


def parse_glob(pattern: str) -> list[Piece]:
    """Split a pattern into its pieces, or raise GlobError naming what is wrong."""
    pieces: list[Piece] = []
    literal: list[str] = []
    i = 0

    def flush() -> None:
        if literal:
            pieces.append(("literal", "".join(literal)))
            literal.clear()

    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern):
                raise GlobError("The pattern ends with a lone \\", i, "write \\\\ to match a backslash")
            literal.append(pattern[i + 1])
            i += 2
        elif char == "*":
            flush()
            # Two stars in a row mean the same as one.
            if not pieces or pieces[-1][0] != "star":
                pieces.append(("star", ""))
            i += 1
        elif char == "?":
            flush()
            pieces.append(("one", ""))
            i += 1
        elif char == "[":
            flush()
            char_class, i = _parse_class(pattern, i)
            pieces.append(("class", char_class))
        else:
            literal.append(char)
            i += 1
    flush()
    return pieces


def _parse_class(pattern: str, start: int) -> tuple[CharClass, int]:
    i = start + 1
    negated = i < len(pattern) and pattern[i] in "!^"
    if negated:
        i += 1
    members: list[str] = []
    while True:
        if i >= len(pattern):
            raise GlobError(_UNCLOSED, start, _BRACKET_HINT)
        char = pattern[i]
        if char == "]":
            break
        low, i = _class_char(pattern, i, start)
        if i + 1 < len(pattern) and pattern[i] == "-" and pattern[i + 1] != "]":
            high, i = _class_char(pattern, i + 1, start)
            if high < low:
                raise GlobError(f"The range {low}-{high} runs backwards", start, f"write {high}-{low}")
            members.append(f"{re.escape(low)}-{re.escape(high)}")
        else:
            members.append(re.escape(low))
    if not members:
        raise GlobError("The [] in the pattern is empty", start, _BRACKET_HINT)
    return CharClass("[" + ("^" if negated else "") + "".join(members) + "]"), i + 1


def _class_char(pattern: str, i: int, start: int) -> tuple[str, int]:
    if pattern[i] == "\\":
        if i + 1 == len(pattern):
            raise GlobError(_UNCLOSED, start, _BRACKET_HINT)
        return pattern[i + 1], i + 2
    return pattern[i], i + 1


def compile_glob(pattern: str) -> Callable[[str], bool]:
    """A function telling whether a text matches the pattern (raises GlobError if it is bad).

    The common shapes (`x`, `x*`, `*x`, `*x*`, `*`) become plain string
    tests; anything else one precompiled regular expression.
    """
    pieces = parse_glob(pattern)
    kinds = tuple(kind for kind, _ in pieces)
    if kinds == ():
        return _equals("")
    if kinds == ("star",):
        return _anything
    if kinds == ("literal",):
        return _equals(str(pieces[0][1]))
    if kinds == ("literal", "star"):
        return _starts_with(str(pieces[0][1]))
    if kinds == ("star", "literal"):
        return _ends_with(str(pieces[1][1]))
    if kinds == ("star", "literal", "star"):
        return _contains(str(pieces[1][1]))
    return regex_glob(pieces)


def glob_regex(pieces: list[Piece]) -> re.Pattern[str]:
    """The regular expression of parsed pieces (used alone by tests to check the shortcuts)."""
    parts: list[str] = []
    for kind, piece in pieces:
        if kind == "literal":
            parts.append(re.escape(str(piece)))
        elif kind == "star":
            parts.append(".*")
        elif kind == "one":
            parts.append(".")
        else:
            assert isinstance(piece, CharClass)
            parts.append(piece.regex)
    return re.compile("".join(parts), re.DOTALL)


def regex_glob(pieces: list[Piece]) -> Callable[[str], bool]:
    """Match with the full regular expression, whatever the shape."""
    fullmatch = glob_regex(pieces).fullmatch
    return lambda text: fullmatch(text) is not None


def _anything(text: str) -> bool:
    return True


def _equals(literal: str) -> Callable[[str], bool]:
    return lambda text: text == literal


def _starts_with(prefix: str) -> Callable[[str], bool]:
    return lambda text: text.startswith(prefix)


def _ends_with(suffix: str) -> Callable[[str], bool]:
    return lambda text: text.endswith(suffix)


def _contains(middle: str) -> Callable[[str], bool]:
    return lambda text: middle in text
