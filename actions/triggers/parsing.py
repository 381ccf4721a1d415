"""Reading trigger text: a tokenizer and a recursive-descent parser.

``and`` binds tighter than ``or``, parentheses nest to any depth, ``!`` and
``not`` apply to a condition, a call or a group, strings take single or
double quotes with backslash escapes. Every error says where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.triggers.nodes import (
    PATH_ROOTS,
    PLAIN_FIELDS,
    And,
    Call,
    Compare,
    Field,
    In,
    Node,
    Not,
    Or,
    Value,
)


class TriggerSyntaxError(ValueError):
    """The trigger cannot be read; ``position`` is 0-based, ``column`` 1-based."""

    def __init__(self, message: str, position: int) -> None:
        self.position = position
        self.column = position + 1
        self.reason = message
        super().__init__(f"{message} at column {self.column}")


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, number, op, punct, end
    text: str
    position: int
    value: Value = None


_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_WORD_CHAR = re.compile(r"[A-Za-z0-9_$-]")
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
KEYWORDS = ("and", "or", "not", "in", "true", "false", "null")
FUNCTIONS = ("contains", "match")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "\"'":
            string, end = _string(text, i)
            tokens.append(Token("string", text[i:end], i, string))
            i = end
        elif char == "!" and not text.startswith("!=", i):
            tokens.append(Token("op", "!", i))
            i += 1
        elif any(text.startswith(op, i) for op in _OPERATORS):
            op = next(op for op in _OPERATORS if text.startswith(op, i))
            tokens.append(Token("op", op, i))
            i += len(op)
        elif char in "()[],":
            tokens.append(Token("punct", char, i))
            i += 1
        elif (number := _NUMBER.match(text, i)) and not _continues_word(text, number.end()):
            literal = number.group()
            number_value: Value = float(literal) if any(c in literal for c in ".eE") else int(literal)
            tokens.append(Token("number", literal, i, number_value))
            i = number.end()
        elif _WORD_CHAR.match(char) or char in ".\\":
            end = _word_end(text, i)
            tokens.append(Token("word", text[i:end], i))
            i = end
        else:
            raise TriggerSyntaxError(f"Unexpected character {char!r}", i)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _continues_word(text: str, end: int) -> bool:
    return end < len(text) and bool(_WORD_CHAR.match(text[end]) or text[end] == ".")


def _word_end(text: str, i: int) -> int:
    """Words are field paths too: dots, [n] indexes and backslash-escaped characters."""
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text):
                raise TriggerSyntaxError("A backslash must escape a character", i)
            i += 2
        elif _WORD_CHAR.match(char) or char == ".":
            i += 1
        elif char == "[":
            close = text.find("]", i)
            if close < 0 or not text[i + 1 : close].isdigit():
                raise TriggerSyntaxError("An index is a number in brackets, like [0]", i)
            i = close + 1
        else:
            break
    return i


def _string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == quote:
            return "".join(out), i + 1
        if char == "\\":
            if i + 1 >= len(text):
                break
            code = text[i + 1]
            if code in _ESCAPES:
                out.append(_ESCAPES[code])
                i += 2
                continue
            if code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            raise TriggerSyntaxError(f"Unknown escape \\{code} in a string", i)
        out.append(char)
        i += 1
    raise TriggerSyntaxError("A string is not closed: add the closing quote", start)


def parse(text: str) -> Node:
    """The parsed trigger; raises ``TriggerSyntaxError`` with its position."""
    if not text or not text.strip():
        raise TriggerSyntaxError("A trigger is required", 0)
    return _Parser(tokenize(text)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def keyword(self, *words: str) -> bool:
        return self.token.kind == "word" and self.token.text.lower() in words

    def expect_punct(self, char: str, context: str) -> None:
        if self.token.kind != "punct" or self.token.text != char:
            raise TriggerSyntaxError(f'Expected "{char}" {context}', self.token.position)
        self.advance()

    def parse(self) -> Node:
        node = self.or_expr()
        if self.token.kind != "end":
            raise TriggerSyntaxError(
                f'Expected "and" or "or" before "{self.token.text}"', self.token.position
            )
        return node

    def or_expr(self) -> Node:
        operands = [self.and_expr()]
        while self.keyword("or"):
            self.advance()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(_flatten(Or, operands))

    def and_expr(self) -> Node:
        operands = [self.unary()]
        while self.keyword("and"):
            self.advance()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else And(_flatten(And, operands))

    def unary(self) -> Node:
        if (self.token.kind == "op" and self.token.text == "!") or self.keyword("not"):
            self.advance()
            if self.keyword(*FUNCTIONS) and self._next_is("("):
                call = self.call()
                return Call(call.func, call.field, call.argument, negated=not call.negated)
            return Not(self.unary())
        return self.primary()

    def _next_is(self, char: str) -> bool:
        following = self.tokens[self.at + 1]
        return following.kind == "punct" and following.text == char

    def primary(self) -> Node:
        token = self.token
        if token.kind == "punct" and token.text == "(":
            self.advance()
            node = self.or_expr()
            self.expect_punct(")", "to close the parenthesis")
            return node
        if self.keyword(*FUNCTIONS) and self._next_is("("):
            return self.call()
        if token.kind == "end":
            raise TriggerSyntaxError('Expected a condition, like type = "track"', token.position)
        return self.condition()

    def call(self) -> Call:
        func = self.advance().text.lower()
        self.expect_punct("(", f"after {func}")
        field = self.field()
        self.expect_punct(",", f"after the field in {func}(…)")
        if self.token.kind != "string":
            raise TriggerSyntaxError(
                f"{func}(…) takes a quoted text as its second argument", self.token.position
            )
        argument = str(self.advance().value)
        self.expect_punct(")", f"to close {func}(…)")
        return Call(func, field, argument)

    def condition(self) -> Node:
        field = self.field()
        negated = False
        if self.keyword("not"):
            self.advance()
            if not self.keyword("in"):
                raise TriggerSyntaxError('Expected "in" after "not"', self.token.position)
            negated = True
        if self.keyword("in"):
            self.advance()
            return In(field, self.value_list(), negated)
        token = self.token
        if token.kind != "op" or token.text == "!":
            raise TriggerSyntaxError(
                "Expected an operator (=, !=, <, <=, >, >=, in) after the field", token.position
            )
        self.advance()
        value = self.value(f'after "{token.text}"')
        if token.text in ("<", "<=", ">", ">=") and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise TriggerSyntaxError(
                f'"{token.text}" compares with a number', self.tokens[self.at - 1].position
            )
        return Compare(field, token.text, value)

    def value_list(self) -> tuple[Value, ...]:
        self.expect_punct("[", 'after "in", to open the list')
        values = [self.value("in the list")]
        while self.token.kind == "punct" and self.token.text == ",":
            self.advance()
            values.append(self.value("in the list"))
        self.expect_punct("]", "to close the list")
        return tuple(values)

    def value(self, where: str) -> Value:
        token = self.token
        if token.kind in ("string", "number"):
            self.advance()
            return token.value
        if token.kind == "word" and token.text.lower() in ("true", "false", "null"):
            self.advance()
            return {"true": True, "false": False, "null": None}[token.text.lower()]
        if token.kind == "word":
            raise TriggerSyntaxError(
                f'Expected a value {where}: put text in quotes, like "{token.text}"', token.position
            )
        raise TriggerSyntaxError(f"Expected a value {where}", token.position)

    def field(self) -> Field:
        token = self.token
        if token.kind != "word" or token.text.lower() in KEYWORDS:
            raise TriggerSyntaxError("Expected a field, like type, event or properties.total", token.position)
        self.advance()
        return _field(token.text, token.position)


def _flatten(kind: type[And] | type[Or], operands: list[Node]) -> tuple[Node, ...]:
    flat: list[Node] = []
    for operand in operands:
        if isinstance(operand, And | Or) and isinstance(operand, kind):
            flat.extend(operand.operands)
        else:
            flat.append(operand)
    return tuple(flat)


def _field(text: str, position: int) -> Field:
    segments: list[str | int] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            current.append(text[i + 1])
            i += 2
        elif char == ".":
            segments.append(_segment(current, position + i))
            current = []
            i += 1
        elif char == "[":
            if current:
                segments.append("".join(current))
                current = []
            close = text.index("]", i)
            segments.append(int(text[i + 1 : close]))
            i = close + 1
            if i < len(text) and text[i] == ".":
                i += 1
                if i == len(text):
                    raise TriggerSyntaxError("A field path cannot end with a dot", position + i)
        else:
            current.append(char)
            i += 1
    if current or not segments or text.endswith("."):
        segments.append(_segment(current, position + len(text)))
    root, *path = segments
    allowed = f"{', '.join(PLAIN_FIELDS)}, or a path under {', '.join(PATH_ROOTS)}"
    if root in PLAIN_FIELDS:
        if path:
            raise TriggerSyntaxError(f"{root} has no parts; a field is {allowed}", position)
    elif root in PATH_ROOTS:
        if not path:
            raise TriggerSyntaxError(f"Name a part of {root}, like {root}.email", position)
    else:
        raise TriggerSyntaxError(f"Unknown field {text!r}; a field is {allowed}", position)
    return Field(str(root), tuple(path))


def _segment(chars: list[str], position: int) -> str:
    if not chars:
        raise TriggerSyntaxError("A field path has an empty part", position)
    return "".join(chars)
