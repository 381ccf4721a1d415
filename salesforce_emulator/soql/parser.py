"""Tokens to a ``Query``: a recursive-descent parser for the SOQL we serve.

Grammar (keywords case-insensitive)::

    query      := SELECT (COUNT '(' ')' | field (',' field)*) FROM name
                  [WHERE condition] [ORDER BY order (',' order)*]
                  [LIMIT integer] [OFFSET integer]
    condition  := NOT simple | simple ((AND simple)+ | (OR simple)+)?
    simple     := '(' condition ')' | field comparison
    comparison := op literal | [NOT] IN '(' literals ')' | LIKE literal
                | (INCLUDES | EXCLUDES) '(' literals ')'
    order      := field [ASC | DESC] [NULLS (FIRST | LAST)]

As in Salesforce, AND and OR cannot be mixed at one level without
parentheses, and NOT only starts a condition: ``a AND NOT b`` and
``NOT a AND b`` are refused with ``unexpected token``.
"""

from __future__ import annotations

from functools import lru_cache

from . import errors, temporal
from .lexer import MAX_STATEMENT_LENGTH, Kind, Token, tokenize
from .nodes import (
    And,
    Comparison,
    Condition,
    FieldRef,
    Includes,
    InList,
    Like,
    Literal,
    LiteralKind,
    Not,
    Or,
    OrderItem,
    Parsed,
    Query,
)

# Words that end a field list or start a clause; never read as field names.
_RESERVED = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "INCLUDES",
        "EXCLUDES",
        "ORDER",
        "LIMIT",
        "OFFSET",
        "NULL",
        "TRUE",
        "FALSE",
        "NULLS",
        "ASC",
        "DESC",
        "GROUP",
        "HAVING",
        "WITH",
    }
)


# A parsed 200-branch lookup holds about 1 MB of tokens; keep only a few.
@lru_cache(maxsize=32)
def parse(text: str) -> Parsed:
    """Parse ``text`` once; the result is immutable and cached by text.

    Raises ``SoqlError`` (``MALFORMED_QUERY``) for anything SOQL cannot read.
    """
    if not text or not text.strip():
        raise errors.plain(errors.MALFORMED_QUERY, "SOQL statements cannot be empty or null")
    if len(text) > MAX_STATEMENT_LENGTH:
        raise errors.plain(
            errors.MALFORMED_QUERY,
            f"SOQL statements can not be longer than {MAX_STATEMENT_LENGTH} characters.",
        )
    tokens = tokenize(text)
    return Parsed(text, tokens, _Parser(text, tokens).query())


class _Parser:
    def __init__(self, text: str, tokens: tuple[Token, ...]) -> None:
        self.text = text
        self.tokens = tokens
        self.at = 0

    # -- token helpers -------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def unexpected(self, index: int | None = None) -> errors.SoqlError:
        index = self.at if index is None else index
        shown = self.tokens[index].shown()
        return errors.syntax_error(self.text, self.tokens, index, f"unexpected token: {shown}")

    def is_word(self, *words: str) -> bool:
        return self.token.upper in words

    def take_word(self, *words: str) -> Token:
        if not self.is_word(*words):
            raise self.unexpected()
        return self.advance()

    def take(self, kind: Kind) -> Token:
        if self.token.kind is not kind:
            raise self.unexpected()
        return self.advance()

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    # -- clauses --------------------------------------------------------

    def query(self) -> Query:
        self.take_word("SELECT")
        fields: list[FieldRef] = []
        is_count = self.is_word("COUNT") and self.tokens[self.at + 1].kind is Kind.LPAREN
        if is_count:
            self.advance()
            self.advance()
            self.take(Kind.RPAREN)
        else:
            fields.append(self.field())
            while self.token.kind is Kind.COMMA:
                self.advance()
                fields.append(self.field())
        self.take_word("FROM")
        object_token = self.at
        object_name = self.take(Kind.IDENT).text
        where = None
        if self.is_word("WHERE"):
            self.advance()
            where = self.condition()
        order_by: list[OrderItem] = []
        if self.is_word("ORDER"):
            self.advance()
            self.take_word("BY")
            order_by.append(self.order_item())
            while self.token.kind is Kind.COMMA:
                self.advance()
                order_by.append(self.order_item())
        limit = offset = offset_token = None
        if self.is_word("LIMIT"):
            self.advance()
            limit = self.count()
        if self.is_word("OFFSET"):
            self.advance()
            offset_token = self.at
            offset = self.count()
        if self.token.kind is not Kind.EOF:
            raise self.unexpected()
        return Query(
            tuple(fields),
            is_count,
            object_name,
            object_token,
            where,
            tuple(order_by),
            limit,
            offset,
            offset_token,
        )

    def field(self) -> FieldRef:
        if self.token.kind is not Kind.IDENT or self.token.upper in _RESERVED:
            raise self.unexpected()
        index = self.at
        return FieldRef(tuple(self.advance().text.split(".")), index)

    def count(self) -> int:
        token = self.token
        if token.kind is not Kind.NUMBER or not token.text.isdigit():
            raise self.unexpected()
        self.advance()
        return int(token.text)

    def order_item(self) -> OrderItem:
        field = self.field()
        descending = False
        if self.is_word("ASC", "DESC"):
            descending = self.advance().upper == "DESC"
        # Salesforce sorts nulls first unless told otherwise, in both directions.
        nulls_last = False
        if self.is_word("NULLS"):
            self.advance()
            nulls_last = self.take_word("FIRST", "LAST").upper == "LAST"
        return OrderItem(field, descending, nulls_last)

    # -- WHERE ----------------------------------------------------------

    def condition(self) -> Condition:
        if self.is_word("NOT"):
            self.advance()
            return Not(self.simple())
        first = self.simple()
        if not self.is_word("AND", "OR"):
            return first
        joiner = self.token.upper
        children = [first]
        while self.is_word(joiner):
            self.advance()
            children.append(self.simple())
        if self.is_word("AND", "OR"):
            raise self.unexpected()
        return And(tuple(children)) if joiner == "AND" else Or(tuple(children))

    def simple(self) -> Condition:
        if self.token.kind is Kind.LPAREN:
            self.advance()
            inner = self.condition()
            self.take(Kind.RPAREN)
            return inner
        field = self.field()
        if self.token.kind is Kind.OPERATOR:
            operator = self.advance().text
            return Comparison(field, "!=" if operator == "<>" else operator, self.literal())
        if self.is_word("NOT"):
            self.advance()
            self.take_word("IN")
            return InList(field, True, self.literal_list())
        if self.is_word("IN"):
            self.advance()
            return InList(field, False, self.literal_list())
        if self.is_word("LIKE"):
            self.advance()
            return Like(field, self.literal())
        if self.is_word("INCLUDES", "EXCLUDES"):
            excludes = self.advance().upper == "EXCLUDES"
            return Includes(field, excludes, self.literal_list())
        raise self.unexpected()

    def literal_list(self) -> tuple[Literal, ...]:
        self.take(Kind.LPAREN)
        values = [self.literal()]
        while self.token.kind is Kind.COMMA:
            self.advance()
            values.append(self.literal())
        self.take(Kind.RPAREN)
        return tuple(values)

    def literal(self) -> Literal:
        token, index = self.token, self.at
        kind: LiteralKind | None = {
            Kind.STRING: LiteralKind.STRING,
            Kind.NUMBER: LiteralKind.NUMBER,
            Kind.DATE: LiteralKind.DATE,
            Kind.DATETIME: LiteralKind.DATETIME,
            Kind.DATE_N: LiteralKind.DATE_RANGE,
        }.get(token.kind)
        value = token.value
        if token.kind is Kind.IDENT:
            word = token.upper
            if word in ("TRUE", "FALSE"):
                kind, value = LiteralKind.BOOLEAN, word == "TRUE"
            elif word == "NULL":
                kind, value = LiteralKind.NULL, None
            elif word in temporal.RANGES:
                kind, value = LiteralKind.DATE_RANGE, (word, None)
        if kind is None:
            raise self.unexpected()
        self.advance()
        return Literal(kind, value, index, token.like_escapes)
