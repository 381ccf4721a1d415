"""Cut a trigger's text into tokens: names (with their paths), keywords, literals, symbols."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from actions.triggers.errors import TriggerSyntaxError
from actions.triggers.nodes import has_surrogate, is_plain_segment_char

# Read in any case (`AND`, `And`); written back in lower case.
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})

# Token kinds. A "name" is a field or a function name, with its path; its
# value is the tuple (root, segment, ...).
NAME = "name"
KEYWORD = "keyword"
STRING = "string"
NUMBER = "number"
OPERATOR = "operator"
SYMBOL = "symbol"
END = "end"

NUMBER_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_INDEX = re.compile(r"\[([0-9]+)\]")
_DIGITS = "0123456789"
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
# Symbols people bring from other languages, and what to write instead.
_MISTAKES = {
    "==": 'use "=" to compare',
    "&&": 'use "and"',
    "||": 'use "or"',
    "<>": 'use "!="',
}
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text as written, its value and where it starts."""

    kind: str
    text: str
    value: Any
    position: int


def tokenize(text: str) -> list[Token]:
    """The tokens of a trigger, ending with an END token at the end of the text."""
    tokens: list[Token] = []
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "\"'":
            tokens.append(_string(text, i))
            i += len(tokens[-1].text)
        elif char in _DIGITS or (char == "-" and i + 1 < length and text[i + 1] in _DIGITS):
            tokens.append(_number(text, i))
            i += len(tokens[-1].text)
        elif char.isalpha() or char == "_":
            tokens.append(_name(text, i))
            i += len(tokens[-1].text)
        elif text.startswith(tuple(_MISTAKES), i):
            symbol = text[i : i + 2]
            raise TriggerSyntaxError.at(f'"{symbol}" is not part of the language', i, _MISTAKES[symbol])
        elif text.startswith(("!=", "<=", ">="), i):
            tokens.append(Token(OPERATOR, text[i : i + 2], text[i : i + 2], i))
            i += 2
        elif char in "=<>":
            tokens.append(Token(OPERATOR, char, char, i))
            i += 1
        elif char in "!()[],":
            tokens.append(Token(SYMBOL, char, char, i))
            i += 1
        elif char in _CURLY_QUOTES:
            raise TriggerSyntaxError.at(
                f"Unexpected {char}", i, 'write text between straight quotes: "like this"'
            )
        else:
            shown = char if char.isprintable() else f"U+{ord(char):04X}"
            raise TriggerSyntaxError.at(f'Unexpected character "{shown}"', i)
    tokens.append(Token(END, "", None, length))
    return tokens


def _string(text: str, start: int) -> Token:
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == quote:
            value = "".join(chars)
            return Token(STRING, text[start : i + 1], value, start)
        if char == "\\" and i + 1 < len(text):
            escaped = text[i + 1]
            if escaped == "u":
                decoded, i = _unicode_escape(text, i)
                chars.append(decoded)
                continue
            # An escape we do not know keeps its backslash, so that a glob's
            # `\*` can be written as FQL writes it: match(x, 'a\*b').
            chars.append(_ESCAPES.get(escaped, "\\" + escaped))
            i += 2
            continue
        if "\ud800" <= char <= "\udfff":
            raise TriggerSyntaxError.at("A text cannot hold a lone surrogate character", i)
        chars.append(char)
        i += 1
    raise TriggerSyntaxError.at(f"Missing the closing {quote} of the text starting", start)


def _unicode_escape(text: str, i: int) -> tuple[str, int]:
    """Decode `\\uXXXX` at i (and the low half of a surrogate pair after it)."""
    digits = text[i + 2 : i + 6]
    if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
        raise TriggerSyntaxError.at("Expected 4 hex digits after \\u", i)
    code = int(digits, 16)
    end = i + 6
    if 0xD800 <= code <= 0xDBFF:
        low = re.match(r"\\u(d[c-f][0-9a-f]{2})", text[end : end + 6], re.IGNORECASE)
        if low:
            code = 0x10000 + ((code - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
            end += 6
    decoded = chr(code)
    if has_surrogate(decoded):
        raise TriggerSyntaxError.at("\\u escapes a lone surrogate", i, "give both halves of the pair")
    return decoded, end


def _number(text: str, start: int) -> Token:
    found = NUMBER_PATTERN.match(text, start)
    assert found is not None  # the caller saw a digit
    end = found.end()
    if end < len(text) and (is_plain_segment_char(text[end]) or text[end] == "."):
        raise TriggerSyntaxError.at("Invalid number", start)
    written = found.group()
    value: int | float
    try:
        value = float(written) if found.group(1) or found.group(2) else int(written)
    except ValueError:  # more digits than Python converts
        raise TriggerSyntaxError.at("This number is too long", start) from None
    if not math.isfinite(value):
        raise TriggerSyntaxError.at("This number is too large", start)
    return Token(NUMBER, written, value, start)


def _name(text: str, start: int) -> Token:
    """A word, and when it is not a keyword the path after it (`.name`, `[0]`)."""
    i = start
    while i < len(text) and is_plain_segment_char(text[i]):
        i += 1
    word = text[start:i]
    if word.isascii() and word.lower() in KEYWORDS:
        return Token(KEYWORD, word, word.lower(), start)
    segments: list[str | int] = [word]
    while i < len(text):
        if text[i] == ".":
            segment, i = _segment(text, i + 1)
            segments.append(segment)
            continue
        index = _INDEX.match(text, i)
        if not index:
            break
        segments.append(int(index.group(1)))
        i = index.end()
    return Token(NAME, text[start:i], tuple(segments), start)


def _segment(text: str, start: int) -> tuple[str, int]:
    """One path segment after a dot; any character goes in after a backslash."""
    chars: list[str] = []
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 == len(text):
                raise TriggerSyntaxError.at("Expected a character after \\", i + 1)
            escaped = text[i + 1]
            if has_surrogate(escaped):
                raise TriggerSyntaxError.at("A field name cannot hold a lone surrogate character", i + 1)
            chars.append(escaped)
            i += 2
        elif is_plain_segment_char(char):
            chars.append(char)
            i += 1
        else:
            break
    if not chars:
        raise TriggerSyntaxError.at(
            'Expected a field name after "."', start, "write other characters after a \\"
        )
    return "".join(chars), i
