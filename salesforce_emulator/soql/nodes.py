"""The parsed shape of a SOQL query, before any schema is consulted.

Nodes are immutable so a parsed query can be cached and shared. Each one
keeps the index of the token it starts at, for the caret of a later error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from .lexer import Token


class LiteralKind(enum.Enum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    DATE = "date"
    DATETIME = "datetime"
    DATE_RANGE = "date literal"  # TODAY, LAST_N_DAYS:30: a range of days


@dataclass(frozen=True, slots=True)
class Literal:
    kind: LiteralKind
    value: Any  # str, Decimal, bool, None, date, datetime, (name, count)
    token: int
    like_escapes: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class FieldRef:
    path: tuple[str, ...]  # ("Account", "Name") for Account.Name, as written
    token: int

    @property
    def text(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Comparison:
    field: FieldRef
    operator: str  # = != < <= > >= (<> is stored as !=)
    value: Literal


@dataclass(frozen=True, slots=True)
class InList:
    field: FieldRef
    negated: bool
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class Like:
    field: FieldRef
    pattern: Literal


@dataclass(frozen=True, slots=True)
class Includes:
    field: FieldRef
    excludes: bool
    values: tuple[Literal, ...]


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Condition


Condition = Comparison | InList | Like | Includes | And | Or | Not


@dataclass(frozen=True, slots=True)
class OrderItem:
    field: FieldRef
    descending: bool
    nulls_last: bool


@dataclass(frozen=True, slots=True)
class Query:
    fields: tuple[FieldRef, ...]  # empty for SELECT COUNT()
    is_count: bool
    object_name: str
    object_token: int
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None
    offset_token: int | None


@dataclass(frozen=True, slots=True)
class Parsed:
    """A query with the tokens it came from (needed to place error carets)."""

    text: str
    tokens: tuple[Token, ...]
    query: Query
