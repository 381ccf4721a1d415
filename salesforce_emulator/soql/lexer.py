"""SOQL text to tokens, one left-to-right pass with no regular expressions.

A hand-written scanner keeps every step linear in the query length (no
backtracking to exploit with a hostile query) and lets string literals be
decoded exactly as Salesforce documents its escapes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import errors, temporal

MAX_STATEMENT_LENGTH = 100_000
MAX_STRING_LITERAL_LENGTH = 4_000

_SIMPLE_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    "'": "'",
    '"': '"',
    "\\": "\\",
}
# Kept escaped in the decoded value: they only mean "a literal % or _" in a
# LIKE pattern, and are an error anywhere else (the parser decides).
_LIKE_ESCAPES = frozenset("%_")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_PART = _IDENT_START | _DIGITS
_WHITESPACE = frozenset(" \t\r\n")
_OPERATORS = ("!=", "<>", "<=", ">=", "=", "<", ">")


class Kind(enum.Enum):
    IDENT = "identifier"  # keywords too; dotted paths (Account.Name) are one token
    STRING = "string"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    DATE_N = "date literal with a count"  # LAST_N_DAYS:30
    OPERATOR = "operator"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    EOF = "<EOF>"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # as written in the query
    start: int
    end: int
    # Decoded: str (STRING), Decimal (NUMBER), date, datetime, (name, n) (DATE_N).
    value: Any = None
    # Offsets in a decoded STRING value holding a % or _ written as \% or \_.
    like_escapes: frozenset[int] = field(default_factory=frozenset)

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind is Kind.IDENT else ""

    def shown(self) -> str:
        """How Salesforce names the token in ``unexpected token: ...``."""
        return "<EOF>" if self.kind is Kind.EOF else f"'{self.text}'"


def tokenize(text: str) -> tuple[Token, ...]:
    """The tokens of ``text``, ending with an EOF token.

    Raises ``SoqlError`` (``MALFORMED_QUERY``) on a character or literal that
    SOQL cannot read.
    """
    return tuple(_Scanner(text).run())


def illegal_sequence(written: str, sequence: str) -> str:
    """Salesforce's text for a backslash sequence a string literal cannot hold."""
    return f"Invalid string literal {written}. Illegal character sequence '{sequence}' in string literal."


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []

    def fail(self, offset: int, message: str, *, with_position: bool = True) -> errors.SoqlError:
        return errors.lexer_error(self.text, self.tokens, offset, message, with_position=with_position)

    def run(self) -> list[Token]:
        text, n, i = self.text, len(self.text), 0
        while i < n:
            char = text[i]
            if char in _WHITESPACE:
                i += 1
            elif char == "'":
                i = self.string(i)
            elif char in _DIGITS or (char in "+-" and i + 1 < n and text[i + 1] in _DIGITS):
                i = self.number_or_date(i)
            elif char in _IDENT_START:
                i = self.identifier(i)
            elif char in "(),":
                kind = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}[char]
                self.tokens.append(Token(kind, char, i, i + 1))
                i += 1
            elif char == ":":
                raise errors.syntax_error(
                    text,
                    [*self.tokens, Token(Kind.OPERATOR, ":", i, i + 1)],
                    len(self.tokens),
                    "Bind variables only allowed in Apex code",
                )
            else:
                operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
                if operator is None:
                    raise self.fail(i, f"no viable alternative at character '{char}'")
                self.tokens.append(Token(Kind.OPERATOR, operator, i, i + len(operator)))
                i += len(operator)
        self.tokens.append(Token(Kind.EOF, "", n, n))
        return self.tokens

    def string(self, start: int) -> int:
        text, n = self.text, len(self.text)
        decoded: list[str] = []
        like_escapes: set[int] = set()
        i = start + 1
        while True:
            if i >= n:
                raise self.unterminated(start)
            char = text[i]
            if char == "'":
                break
            if char != "\\":
                decoded.append(char)
                i += 1
                continue
            if i + 1 >= n:
                raise self.unterminated(start)
            escaped = text[i + 1]
            if escaped.lower() in _SIMPLE_ESCAPES:
                decoded.append(_SIMPLE_ESCAPES[escaped.lower()])
                i += 2
            elif escaped in _LIKE_ESCAPES:
                like_escapes.add(len(decoded))
                decoded.append(escaped)
                i += 2
            elif escaped == "u" and i + 6 <= n and all(c in _HEX_DIGITS for c in text[i + 2 : i + 6]):
                decoded.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
            else:
                sequence = "\\" + (text[i + 1 : i + 6] if escaped == "u" else escaped)
                raise self.fail(start, self._bad_literal(start, sequence), with_position=False)
        end = i + 1
        value = "".join(decoded)
        if len(value) > MAX_STRING_LITERAL_LENGTH:
            raise self.fail(
                start,
                f"String literal is longer than {MAX_STRING_LITERAL_LENGTH} characters",
                with_position=False,
            )
        self.tokens.append(Token(Kind.STRING, text[start:end], start, end, value, frozenset(like_escapes)))
        return end

    def unterminated(self, start: int) -> errors.SoqlError:
        # Salesforce reads a quote that never closes as a token of its own.
        quote = Token(Kind.OPERATOR, "'", start, start + 1)
        return errors.syntax_error(
            self.text, [*self.tokens, quote], len(self.tokens), f"unexpected token: {quote.shown()}"
        )

    def _bad_literal(self, start: int, sequence: str) -> str:
        # Salesforce quotes the literal as written, up to its closing quote.
        text, i = self.text, start + 1
        while i < len(text) and text[i] != "'":
            i += 2 if text[i] == "\\" else 1
        return illegal_sequence(text[start : i + 1], sequence)

    def number_or_date(self, start: int) -> int:
        text, n = self.text, len(self.text)
        i = start + 1 if text[start] in "+-" else start
        while i < n and text[i] in _DIGITS:
            i += 1
        if text[start] not in "+-" and i - start == 4 and text.startswith("-", i):
            return self.date_or_datetime(start)
        if i < n and text[i] == "." and i + 1 < n and text[i + 1] in _DIGITS:
            i += 1
            while i < n and text[i] in _DIGITS:
                i += 1
        if i < n and text[i] in _IDENT_PART:
            raise self.fail(i, f"no viable alternative at character '{text[i]}'")
        self.tokens.append(Token(Kind.NUMBER, text[start:i], start, i, Decimal(text[start:i])))
        return i

    def date_or_datetime(self, start: int) -> int:
        end = temporal.scan_literal(self.text, start)
        written = self.text[start:end]
        try:
            parsed = temporal.parse_literal(written)
        except ValueError as exc:
            if end < len(self.text) and self.text[end] not in _WHITESPACE and self.text[end] not in "(),":
                raise self.fail(end, f"no viable alternative at character '{self.text[end]}'") from exc
            raise self.fail(start, f"Invalid date: {written}", with_position=False) from exc
        kind = Kind.DATETIME if "T" in written else Kind.DATE
        self.tokens.append(Token(kind, written, start, end, parsed))
        return end

    def identifier(self, start: int) -> int:
        text, n = self.text, len(self.text)
        i = start + 1
        while i < n and (
            text[i] in _IDENT_PART or (text[i] == "." and i + 1 < n and text[i + 1] in _IDENT_START)
        ):
            i += 1
        name = text[start:i]
        if name.upper() in temporal.COUNTED_RANGES and text.startswith(":", i):
            j = i + 1
            while j < n and text[j] in _DIGITS:
                j += 1
            if j == i + 1:
                raise self.fail(
                    i + 1, f"no viable alternative at character '{text[i + 1 : i + 2] or '<EOF>'}'"
                )
            self.tokens.append(
                Token(Kind.DATE_N, text[start:j], start, j, (name.upper(), int(text[i + 1 : j])))
            )
            return j
        self.tokens.append(Token(Kind.IDENT, name, start, i))
        return i
