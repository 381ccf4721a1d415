"""The only place that puts values into SOQL.

``quote`` writes one literal, typed by the field it is compared with;
``quote_like`` writes a LIKE pattern; ``build_lookups`` writes the queries
that find the records of many deliveries at once. Field and object names are
never quoted: they are checked against the shape of an API name instead, so
nothing but a name can get in through them. Pure: no Django, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote_plus

from destinations.salesforce import types

MAX_LITERAL_LENGTH = 4_000
DEFAULT_MAX_LENGTH = 16_000

# Escaped in every string literal: the backslash (first, by construction of
# the table: each character is mapped once), the quotes, and control
# characters that have a short escape, so none travels raw in the URL.
_STRING_ESCAPES = str.maketrans(
    {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)
# Inside LIKE only: % and _ are wildcards unless escaped (and \% is an error elsewhere).
_LIKE_ESCAPES = str.maketrans({"%": "\\%", "_": "\\_"})

_OBJECT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FIELD_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$")

_QUOTED_TYPES = types.TEXT_TYPES | types.ID_TYPES | {"multipicklist"}
# Matched with "=" disjunctions rather than IN: SOQL allows only =, !=,
# INCLUDES and EXCLUDES on a multi-select picklist, and a boolean has two values.
_EQUALS_ONLY_TYPES = frozenset({"boolean", "multipicklist"})


class UnusableMatcher(ValueError):
    """A group ``build_lookups`` cannot put in a query; the others could be.

    ``group_index`` is the group's position in the input; ``field`` the
    matcher at fault, or None when the group as a whole is too long.
    """

    def __init__(self, group_index: int, field: str | None, message: str) -> None:
        super().__init__(message)
        self.group_index = group_index
        self.field = field


def quote(value: Any, field_type: str | None = None) -> str:
    """``value`` as a SOQL literal for ``=`` / ``IN`` against a field of ``field_type``.

    Strings are quoted and escaped; numbers, booleans, dates, datetimes and
    ``null`` are bare. With a describe type (``int``, ``double``, ``date``,
    ``reference``...) the value is brought to that type first, so a numeric
    string stays bare for a number field; a value that cannot be brought to
    it raises ``ValueError`` naming the type. Without one the literal
    follows the Python type. Naive datetimes are read as UTC.
    """
    if value is None:
        return "null"
    kind = (field_type or "").lower() or _inferred_type(value)
    try:
        return _literal(value, kind)
    except ValueError as refused:
        raise ValueError(f"{kind} field {refused}") from None


def _inferred_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float | Decimal):
        return "double"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str):
        return "string"
    raise ValueError(f"a {types.shown(value)} has no SOQL literal")


def _literal(value: Any, kind: str) -> str:
    if kind in types.ID_TYPES:
        return quote_string(types.record_id(value))
    if kind == "multipicklist" and isinstance(value, list | tuple):
        return quote_string(";".join(types.text(item) for item in value))
    if kind in _QUOTED_TYPES:
        return quote_string(types.text(value))
    if kind in types.INTEGER_TYPES:
        return str(types.whole_number(value))
    if kind in types.DECIMAL_TYPES:
        return types.plain_number(types.number(value))
    if kind == "boolean":
        return "true" if types.boolean(value) else "false"
    if kind == "date":
        return types.calendar_date(value).isoformat()
    if kind == "datetime":
        # SOQL datetimes carry no milliseconds.
        return f"{types.instant(value):%Y-%m-%dT%H:%M:%S}Z"
    raise ValueError("cannot be compared in a SOQL lookup")


def quote_string(value: str) -> str:
    """A quoted, escaped SOQL string literal (for ``=`` and ``IN``, not LIKE)."""
    return "'" + _checked(value).translate(_STRING_ESCAPES) + "'"


def quote_like(value: str, match: Literal["exact", "prefix", "suffix", "contains"] = "contains") -> str:
    """A quoted LIKE pattern matching ``value`` literally: its own ``%`` and ``_`` are escaped.

    ``match`` places the wildcards: ``prefix`` finds values starting with
    ``value``, ``suffix`` values ending with it, ``contains`` values holding it.
    """
    body = _checked(value).translate(_STRING_ESCAPES).translate(_LIKE_ESCAPES)
    before = "%" if match in ("suffix", "contains") else ""
    after = "%" if match in ("prefix", "contains") else ""
    return f"'{before}{body}{after}'"


def _checked(value: str) -> str:
    if len(value) > MAX_LITERAL_LENGTH:
        raise ValueError(
            f"a SOQL string literal holds at most {MAX_LITERAL_LENGTH} characters; got {len(value)}"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text with an unpaired surrogate cannot be sent") from None
    return value


def url_length(soql: str) -> int:
    """How many characters ``soql`` takes in a query URL, encoded as the client sends it.

    Salesforce caps a request's URI and headers together at 16,384 bytes,
    and a query travels in the URI: this is the length that has to fit.
    """
    return len(quote_plus(soql, safe=","))


def object_name(name: str) -> str:
    """``name`` when it has the shape of an sObject API name; ValueError otherwise."""
    if not _OBJECT_NAME.match(name):
        raise ValueError(f"not an object name: {name!r}")
    return name


def field_path(name: str) -> str:
    """``name`` when it has the shape of a field (or ``Parent.Field``) API name; ValueError otherwise."""
    if not _FIELD_PATH.match(name):
        raise ValueError(f"not a field name: {name!r}")
    return name


# --- Lookups for many records at once -------------------------------------------------------


def build_lookups(
    sobject: str,
    select: Sequence[str],
    groups: Sequence[Mapping[str, Any]],
    operator: Literal["AND", "OR"],
    field_types: Mapping[str, str],
    max_length: int = DEFAULT_MAX_LENGTH,
) -> list[str]:
    """The SOQL queries that find every record matching any of ``groups``.

    Each group is one delivery's matchers (field -> value). With ``AND`` a
    record matches a group when every present matcher equals; with ``OR``
    when any does. ``None`` and ``""`` are absent values (Salesforce reads an
    empty string as null, which would match every record without a value);
    a group with no present value is skipped. Values are typed by
    ``field_types`` (describe types) through ``quote``.

    The queries select ``Id``, ``select`` and the matcher fields, and
    together cover every group; a group is never split across two queries,
    but a record may come back from more than one. Each query stays within
    ``max_length`` characters as it is written in the URL (``url_length``,
    never less than its own length). ``ValueError`` for a value that does
    not fit its type, a value over 4,000 characters, a bad name; a value or
    a single group that cannot be used raises ``UnusableMatcher`` (a
    ``ValueError``) naming the group, so the caller can fail that delivery
    alone and build again without it.
    """
    if operator not in ("AND", "OR"):
        raise ValueError(f"operator is AND or OR; got {operator!r}")
    object_name(sobject)
    literal_groups = [
        (i, g) for i, g in ((i, _literals(i, group, field_types)) for i, group in enumerate(groups)) if g
    ]
    columns = _columns(select, [name for _, group in literal_groups for name, _ in group])
    # Names were checked for their shape above; values only arrive through quote().
    head = f"SELECT {', '.join(columns)} FROM {sobject} WHERE "  # noqa: S608
    queries: list[str] = []
    current = _Where(field_types)
    for index, group in literal_groups:
        before = current.snapshot()
        current.add(group, operator)
        if url_length(head) + current.length() <= max_length:
            continue
        # The group goes first into a query of its own, after what was there.
        current.restore(before)
        if not current.is_empty():
            queries.append(head + current.render())
        current = _Where(field_types)
        current.add(group, operator)
        if url_length(head) + current.length() > max_length:
            message = f"the record matchers make a lookup longer than {max_length} characters"
            raise UnusableMatcher(index, None, message)
    if not current.is_empty():
        queries.append(head + current.render())
    return queries


def _literals(index: int, group: Mapping[str, Any], field_types: Mapping[str, str]) -> list[tuple[str, str]]:
    """A group's present matchers as (field, literal), in the group's order."""
    present = []
    for name, value in group.items():
        if value is None or value == "":
            continue
        try:
            literal = quote(value, field_types.get(field_path(name)))
        except ValueError as refused:
            raise UnusableMatcher(index, name, f"{name}: {refused}") from None
        present.append((name, literal))
    return present


def _columns(select: Sequence[str], matchers: list[str]) -> list[str]:
    columns: list[str] = ["Id"]
    seen = {"id"}
    for name in [*select, *matchers]:
        if field_path(name).lower() not in seen:
            seen.add(name.lower())
            columns.append(name)
    return columns


# Encoded lengths of the fixed pieces of a WHERE clause (names need no encoding).
_EQUALS, _IN_OPEN, _COMMA, _IN_CLOSE, _OR = (
    url_length(piece) for piece in (" = ", " IN (", ",", ")", " OR ")
)


@dataclass
class _Where:
    """A WHERE clause being filled: ``f IN (...)`` / ``f = v`` disjuncts and AND conjunctions.

    Its length in the URL is tracked as values arrive, so filling a query is
    linear in its size rather than re-rendering it for every group.
    """

    field_types: Mapping[str, str]
    values: dict[str, list[str]] = field(default_factory=dict)  # field -> distinct literals
    seen: set[tuple[str, str]] = field(default_factory=set)
    conjunctions: list[str] = field(default_factory=list)
    conjunction_set: set[str] = field(default_factory=set)
    conjunction_chars: int = 0  # the conjunctions' url_length sum
    literal_chars: dict[str, int] = field(default_factory=dict)  # field -> its literals' url_length sum

    def add(self, group: list[tuple[str, str]], operator: str) -> None:
        if operator == "AND" and len(group) > 1:
            clause = "(" + " AND ".join(f"{name} = {literal}" for name, literal in group) + ")"
            if clause not in self.conjunction_set:
                self.conjunction_set.add(clause)
                self.conjunctions.append(clause)
                self.conjunction_chars += url_length(clause)
            return
        for name, literal in group:
            if (name, literal) in self.seen:
                continue
            self.seen.add((name, literal))
            self.values.setdefault(name, []).append(literal)
            self.literal_chars[name] = self.literal_chars.get(name, 0) + url_length(literal)

    def snapshot(self) -> tuple[dict[str, int], int]:
        return {name: len(literals) for name, literals in self.values.items()}, len(self.conjunctions)

    def restore(self, snapshot: tuple[dict[str, int], int]) -> None:
        counts, conjunction_count = snapshot
        for clause in self.conjunctions[conjunction_count:]:
            self.conjunction_set.discard(clause)
            self.conjunction_chars -= url_length(clause)
        del self.conjunctions[conjunction_count:]
        for name in list(self.values):
            keep = counts.get(name, 0)
            for literal in self.values[name][keep:]:
                self.seen.discard((name, literal))
                self.literal_chars[name] -= url_length(literal)
            del self.values[name][keep:]
            if not self.values[name]:
                del self.values[name], self.literal_chars[name]

    def is_empty(self) -> bool:
        return not self.values and not self.conjunctions

    def _equals_only(self, name: str) -> bool:
        return (self.field_types.get(name) or "").lower() in _EQUALS_ONLY_TYPES

    def length(self) -> int:
        """``url_length(self.render())``, from the tracked sums."""
        parts = len(self.conjunctions)
        total = self.conjunction_chars
        for name, literals in self.values.items():
            count = len(literals)
            if count == 1 or self._equals_only(name):
                # "f = v" per value
                parts += count
                total += count * (len(name) + _EQUALS) + self.literal_chars[name]
            else:
                # "f IN (v1,v2)"
                parts += 1
                total += len(name) + _IN_OPEN + self.literal_chars[name] + (count - 1) * _COMMA + _IN_CLOSE
        return total + _OR * max(0, parts - 1)

    def render(self) -> str:
        disjuncts = list(self.conjunctions)
        for name, literals in self.values.items():
            if len(literals) == 1 or self._equals_only(name):
                disjuncts += [f"{name} = {literal}" for literal in literals]
            else:
                disjuncts.append(f"{name} IN ({','.join(literals)})")
        return " OR ".join(disjuncts)
