"""SOQL errors with Salesforce's error codes and message shapes.

Salesforce echoes a window of the offending query row, a caret line and
``ERROR at Row:R:Column:C`` before the error text. Two quirks are copied on
purpose, both seen in captured responses:

- syntax errors (the parser's "unexpected token", the lexer's "no viable
  alternative") report a 0-based column and put the caret one character
  before the offending token; semantic errors ("No such column", type
  mismatches) report a 1-based column with the caret under the token;
- the echoed window is not the whole row: it runs from a few tokens before
  the offending one to a few after (the row's ends are kept when reached).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"
INVALID_TYPE = "INVALID_TYPE"
INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"

# Tokens echoed around the offending one. Inferred from public captures of
# real responses (syntax errors show five tokens before, semantic ones four).
_SYNTAX_TOKENS_BEFORE = 5
_SEMANTIC_TOKENS_BEFORE = 4
_TOKENS_AFTER = 4


class SoqlError(Exception):
    """A query Salesforce would refuse: its ``errorCode`` and ``message``."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message

    def __repr__(self) -> str:
        return f"SoqlError({self.error_code!r}, {self.message!r})"


class Spanned(Protocol):
    """Anything with a start and end offset in the query text (a token)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def plain(error_code: str, message: str) -> SoqlError:
    """An error Salesforce reports without the caret block."""
    return SoqlError(error_code, message)


def syntax_error(text: str, tokens: Sequence[Spanned], index: int, message: str) -> SoqlError:
    """A ``MALFORMED_QUERY`` pointing at ``tokens[index]`` (the parser's view)."""
    block = _caret_block(text, tokens, tokens[index].start, index, syntax=True)
    return SoqlError(MALFORMED_QUERY, block + message)


def lexer_error(
    text: str, tokens: Sequence[Spanned], offset: int, message: str, *, with_position: bool = True
) -> SoqlError:
    """A ``MALFORMED_QUERY`` at a character the lexer could not take.

    ``tokens`` are the ones read before ``offset``. The lexer's generic
    errors ("no viable alternative") repeat ``line R:C`` with the same 0-based
    column, as Salesforce's do; its own string-literal errors do not.
    """
    row, column = _row_column(text, offset)
    block = _caret_block(text, tokens, offset, len(tokens), syntax=True)
    prefix = f"line {row}:{column} " if with_position else ""
    return SoqlError(MALFORMED_QUERY, f"{block}{prefix}{message}")


def semantic_error(
    error_code: str, text: str, tokens: Sequence[Spanned], index: int, message: str
) -> SoqlError:
    """An error about a well-formed query (unknown field, wrong literal type)."""
    block = _caret_block(text, tokens, tokens[index].start, index, syntax=False)
    return SoqlError(error_code, block + message)


def _row_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start


def _caret_block(text: str, tokens: Sequence[Spanned], offset: int, index: int, *, syntax: bool) -> str:
    """The ``\\n<window>\\n<spaces>^\\nERROR at Row:R:Column:C\\n`` prefix."""
    row, column0 = _row_column(text, offset)
    line_start = offset - column0
    line_end = text.find("\n", offset)
    if line_end < 0:
        line_end = len(text)
    on_row = [i for i, token in enumerate(tokens) if line_start <= token.start < line_end]
    before = sum(1 for i in on_row if i < index)
    first = before - (_SYNTAX_TOKENS_BEFORE if syntax else _SEMANTIC_TOKENS_BEFORE)
    window_start = line_start if first <= 0 else tokens[on_row[first]].start
    last = before + _TOKENS_AFTER
    window_end = line_end if last >= len(on_row) - 1 else tokens[on_row[last]].end
    window = text[window_start:window_end].rstrip("\r")
    column = column0 if syntax else column0 + 1
    caret = max(0, column - 1 - (window_start - line_start))
    return f"\n{window}\n{' ' * caret}^\nERROR at Row:{row}:Column:{column}\n"
