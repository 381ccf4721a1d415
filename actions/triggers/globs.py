"""Glob patterns of `match(field, "pattern")`, as Segment's FQL defines them.

`*` is any run of characters (none included), `?` exactly one character,
`[abc]` / `[a-z]` one of a set (`[!a-z]` or `[^a-z]` one outside it), `\\x`
the character x itself. A pattern matches the whole text, case-sensitively.
Segment's subscription evaluator only knew a leading or trailing `*`; those
are special cases here and mean the same thing.

Matching takes time linear in the text, whatever the pattern: patterns are
written by workspace members and texts by anyone holding a write key, so a
backtracking regular expression (`*a*a*a*b` against a long text) would let
one trigger stall intake. The stars split a pattern into fixed-width
segments; each is found at its leftmost place after the one before it
(which is all a glob needs), plain text with `str.find`, segments with `?`
or classes with a bit-parallel scan (Shift-And) that reads each character
once. Texts longer than MAX_TEXT_LENGTH match no pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The longest text a pattern is matched against, in characters: the size of
# the largest message intake accepts. A longer text matches no pattern.
MAX_TEXT_LENGTH = 32 * 1024


@dataclass(frozen=True, slots=True)
class CharClass:
    """`[...]`: inclusive character ranges (a lone character is a range of one)."""

    ranges: tuple[tuple[str, str], ...]
    negated: bool = False

    def accepts(self, char: str) -> bool:
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


# A parsed pattern: ("literal", text), ("star", ""), ("one", "") or ("class", CharClass).
Piece = tuple[str, str | CharClass]
# One character position of a segment: a literal character, None for `?`, or a class.
Atom = str | CharClass | None
Segment = tuple[Atom, ...]

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
    ranges: list[tuple[str, str]] = []
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
            ranges.append((low, high))
        else:
            ranges.append((low, low))
    if not ranges:
        raise GlobError("The [] in the pattern is empty", start, _BRACKET_HINT)
    return CharClass(tuple(ranges), negated), i + 1


def _class_char(pattern: str, i: int, start: int) -> tuple[str, int]:
    if pattern[i] == "\\":
        if i + 1 == len(pattern):
            raise GlobError(_UNCLOSED, start, _BRACKET_HINT)
        return pattern[i + 1], i + 2
    return pattern[i], i + 1


def compile_glob(pattern: str) -> Callable[[str], bool]:
    """A function telling whether a text matches the pattern (raises GlobError if it is bad).

    The common shapes (`x`, `x*`, `*x`, `*x*`, `*`) become plain string
    tests; anything else a segment matcher. Every one answers False for a
    text longer than MAX_TEXT_LENGTH.
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
    return segment_glob(pieces)


def segments(pieces: list[Piece]) -> list[Segment]:
    """The fixed-width runs between the stars (empty runs included, so n stars give n + 1)."""
    runs: list[Segment] = []
    current: list[Atom] = []
    for kind, piece in pieces:
        if kind == "star":
            runs.append(tuple(current))
            current = []
        elif kind == "literal":
            current.extend(str(piece))
        elif kind == "one":
            current.append(None)
        else:
            assert isinstance(piece, CharClass)
            current.append(piece)
    runs.append(tuple(current))
    return runs


def segment_glob(pieces: list[Piece]) -> Callable[[str], bool]:
    """Match any pattern in time linear in the text: the general case of compile_glob."""
    runs = segments(pieces)
    if len(runs) == 1:
        whole = runs[0]
        return lambda text: len(text) == len(whole) <= MAX_TEXT_LENGTH and _fits(whole, text, 0)
    first, middle, last = runs[0], [_finder(run) for run in runs[1:-1] if run], runs[-1]
    least = len(first) + len(last)

    def segment_match(text: str) -> bool:
        if not least <= len(text) <= MAX_TEXT_LENGTH:
            return False
        if not (_fits(first, text, 0) and _fits(last, text, len(text) - len(last))):
            return False
        # The middle runs, each at its leftmost place, between the two ends.
        position, stop = len(first), len(text) - len(last)
        for find in middle:
            position = find(text, position, stop)
            if position < 0:
                return False
        return True

    return segment_match


def _fits(run: Segment, text: str, at: int) -> bool:
    for offset, atom in enumerate(run):
        char = text[at + offset]
        if atom is None:
            continue
        if isinstance(atom, str):
            if atom != char:
                return False
        elif not atom.accepts(char):
            return False
    return True


# A finder returns the end of the run's leftmost occurrence in text[start:stop], or -1.
Finder = Callable[[str, int, int], int]


def _finder(run: Segment) -> Finder:
    if all(isinstance(atom, str) for atom in run):
        literal = "".join(str(atom) for atom in run)

        def find_literal(text: str, start: int, stop: int) -> int:
            found = text.find(literal, start, stop)
            return -1 if found < 0 else found + len(literal)

        return find_literal
    return _shift_and(run)


def _shift_and(run: Segment) -> Finder:
    """Shift-And: bit i of the state says "the run's first i + 1 atoms end here".

    Each text character costs a shift, an or and an and on an integer as
    wide as the run, so the scan is linear in the text.
    """
    wildcard = 0
    literals: dict[str, int] = {}
    classes: list[tuple[int, CharClass]] = []
    for index, atom in enumerate(run):
        bit = 1 << index
        if atom is None:
            wildcard |= bit
        elif isinstance(atom, str):
            literals[atom] = literals.get(atom, 0) | bit
        else:
            classes.append((bit, atom))
    done = 1 << (len(run) - 1)

    def mask(char: str, cache: dict[str, int]) -> int:
        bits = cache.get(char)
        if bits is None:
            bits = wildcard | literals.get(char, 0)
            for bit, char_class in classes:
                if char_class.accepts(char):
                    bits |= bit
            cache[char] = bits
        return bits

    def find_run(text: str, start: int, stop: int) -> int:
        cache: dict[str, int] = {}
        state = 0
        for position in range(start, stop):
            char = text[position]
            bits = cache.get(char)
            if bits is None:
                bits = mask(char, cache)
            state = ((state << 1) | 1) & bits
            if state & done:
                return position + 1
        return -1

    return find_run


def _anything(text: str) -> bool:
    return len(text) <= MAX_TEXT_LENGTH


def _equals(literal: str) -> Callable[[str], bool]:
    return lambda text: text == literal


def _starts_with(prefix: str) -> Callable[[str], bool]:
    return lambda text: len(text) <= MAX_TEXT_LENGTH and text.startswith(prefix)


def _ends_with(suffix: str) -> Callable[[str], bool]:
    return lambda text: len(text) <= MAX_TEXT_LENGTH and text.endswith(suffix)


def _contains(middle: str) -> Callable[[str], bool]:
    return lambda text: len(text) <= MAX_TEXT_LENGTH and middle in text
