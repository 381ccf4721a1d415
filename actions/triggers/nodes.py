"""The parsed form of a trigger: small frozen dataclasses, hashable."""

from __future__ import annotations

from dataclasses import dataclass

Value = str | int | float | bool | None

# Fields that name a value of the message itself; the three roots below need a path.
PLAIN_FIELDS = ("type", "event", "name", "userId", "anonymousId", "groupId", "previousId")
PATH_ROOTS = ("properties", "traits", "context")


@dataclass(frozen=True)
class Field:
    root: str
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class Compare:
    """``field op value`` with op one of = != < <= > >=."""

    field: Field
    op: str
    value: Value


@dataclass(frozen=True)
class In:
    """``field in [a, b]`` (or ``not in``)."""

    field: Field
    values: tuple[Value, ...]
    negated: bool = False


@dataclass(frozen=True)
class Call:
    """``contains(field, "s")`` or ``match(field, "glob")``; negated is ``!contains(…)``.

    As in the hosted products, a negated call still needs a string: a missing
    field makes ``!contains`` false, not true.
    """

    func: str
    field: Field
    argument: str
    negated: bool = False


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Compare | In | Call | Not | And | Or
Trigger = Node
