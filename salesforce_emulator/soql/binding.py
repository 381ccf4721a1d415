"""A parsed query checked against the schema and bound for evaluation.

Checks run in Salesforce's order: the FROM object, the selected fields, the
WHERE clause (field, filterable, operator, literal type), then ORDER BY.
Literals are converted once here, so evaluation only compares values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import ids
from ..schema import Field, Schema, SObject
from . import errors, temporal
from .lexer import illegal_sequence
from .like import compile_pattern
from .nodes import And as AndNode
from .nodes import Comparison, Condition, FieldRef, Includes, InList, Like, Literal, LiteralKind, Not, Parsed
from .nodes import Or as OrNode
from .predicates import Accessor, AllOf, AnyOf, Key, NoneOf, Plan, Predicate, Test
from .relationships import Parents, PathError, Resolved, accessor, resolve
from .source import RecordSource
from .values import Normalizer, ValueKind, fold, kind_of, normalizer, to_multi, type_name

MAX_OFFSET = 2000
_QUOTED_KINDS = frozenset({ValueKind.TEXT, ValueKind.ID, ValueKind.MULTI})
_UNSUPPORTED_OBJECT = (
    "sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure "
    "to append the '__c' after the entity name. Please reference your WSDL or the describe call for "
    "the appropriate names."
)


@dataclass(frozen=True)
class Span:
    """A relative date literal: values in ``[start, end)`` (dates or instants)."""

    start: Any
    end: Any


@dataclass(frozen=True)
class SortKey:
    access: Accessor
    normalize: Normalizer  # raw value to a sortable value, None for null
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Bound:
    sobject: SObject
    selected: tuple[Resolved, ...]
    is_count: bool
    where: Predicate | None
    order: tuple[SortKey, ...]
    limit: int | None
    offset: int
    parents: Parents


def bind(parsed: Parsed, schema: Schema, source: RecordSource, *, include_deleted: bool) -> Bound:
    """Check ``parsed`` against ``schema``; raises ``SoqlError`` as Salesforce would."""
    query = parsed.query
    sobject = schema.get(query.object_name)
    if sobject is None:
        message = _UNSUPPORTED_OBJECT.format(name=query.object_name)
        raise errors.semantic_error(
            errors.INVALID_TYPE, parsed.text, parsed.tokens, query.object_token, message
        )
    binder = _Binder(parsed, schema, sobject, Parents(source, include_deleted))
    selected = binder.select(query.fields)
    where = binder.condition(query.where) if query.where is not None else None
    order = tuple(binder.sort_key(item.field, item.descending, item.nulls_last) for item in query.order_by)
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise errors.plain("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
    return Bound(
        sobject, selected, query.is_count, where, order, query.limit, query.offset or 0, binder.parents
    )


class _Binder:
    def __init__(self, parsed: Parsed, schema: Schema, sobject: SObject, parents: Parents) -> None:
        self.parsed = parsed
        self.schema = schema
        self.sobject = sobject
        self.parents = parents

    def error(self, code: str, token: int, message: str) -> errors.SoqlError:
        return errors.semantic_error(code, self.parsed.text, self.parsed.tokens, token, message)

    def resolve(self, ref: FieldRef) -> Resolved:
        try:
            return resolve(self.schema, self.sobject, ref.path)
        except PathError as exc:
            raise self.error(errors.INVALID_FIELD, ref.token, exc.message) from exc

    def select(self, refs: tuple[FieldRef, ...]) -> tuple[Resolved, ...]:
        selected: list[Resolved] = []
        seen: set[tuple[str, ...]] = set()
        for ref in refs:
            resolved = self.resolve(ref)
            key = tuple(name.lower() for name in resolved.names)
            if key in seen:
                raise errors.plain(errors.INVALID_FIELD, f"duplicate field selected: {ref.text}")
            seen.add(key)
            selected.append(resolved)
        return tuple(selected)

    def sort_key(self, ref: FieldRef, descending: bool, nulls_last: bool) -> SortKey:
        resolved = self.resolve(ref)
        field = resolved.field
        if not field.sortable:
            raise self.error(
                errors.MALFORMED_QUERY, ref.token, f"field '{field.name}' can not be sorted in a query call"
            )
        kind = kind_of(field)
        # Salesforce sorts text case-insensitively, even on case-sensitive fields.
        sortable: Normalizer = fold if kind is ValueKind.TEXT else normalizer(field)
        if kind is ValueKind.MULTI:
            sortable = _sorted_multi
        return SortKey(accessor(resolved, self.parents), sortable, descending, nulls_last)

    # -- WHERE ----------------------------------------------------------

    def condition(self, node: Condition) -> Predicate:
        if isinstance(node, AndNode):
            return AllOf(self.condition(child) for child in node.children)
        if isinstance(node, OrNode):
            return AnyOf(self.condition(child) for child in node.children)
        if isinstance(node, Not):
            return NoneOf(self.condition(node.child))
        return self.field_expression(node)

    def field_expression(self, node: Comparison | InList | Like | Includes) -> Predicate:
        resolved = self.resolve(node.field)
        field = resolved.field
        if not field.filterable:
            raise self.error(
                errors.INVALID_FIELD,
                node.field.token,
                f"field '{field.name}' can not be filtered in query call",
            )
        access = accessor(resolved, self.parents)
        kind = kind_of(field)
        direct = not resolved.hops
        if isinstance(node, Like):
            return self.like(node, field, kind, access)
        if isinstance(node, Includes):
            return self.includes(node, field, kind, access)
        if isinstance(node, Comparison):
            if kind is ValueKind.MULTI and node.operator not in ("=", "!="):
                raise self.operator_error(node.field, "multipicklist")
            value = self.value(field, kind, node.field, node.value)
            plan = self.plan(field, kind, [node.value], [value]) if direct and node.operator == "=" else None
            return Test(access, normalizer(field), _compare(node.operator, value), plan)
        values = [self.value(field, kind, node.field, literal) for literal in node.values]
        plan = None if node.negated or not direct else self.plan(field, kind, list(node.values), values)
        return Test(access, normalizer(field), _membership(values, node.negated), plan)

    def like(self, node: Like, field: Field, kind: ValueKind, access: Accessor) -> Predicate:
        if kind is ValueKind.ID:
            raise self.operator_error(node.field, "id")
        pattern = node.pattern
        if kind is not ValueKind.TEXT or pattern.kind not in (LiteralKind.STRING, LiteralKind.NULL):
            raise self.mismatch(field, kind, node.field)
        if pattern.kind is LiteralKind.NULL:
            return Test(access, fold, lambda value: value is None, None)
        matches = compile_pattern(pattern.value, pattern.like_escapes)
        return Test(access, _text, lambda value: value is not None and matches(value), None)

    def includes(self, node: Includes, field: Field, kind: ValueKind, access: Accessor) -> Predicate:
        if kind is not ValueKind.MULTI:
            raise self.error(
                errors.INVALID_QUERY_FILTER_OPERATOR,
                node.field.token,
                "includes or excludes operator only valid on multipicklist field",
            )
        terms: list[frozenset[str]] = []
        for literal in node.values:
            if literal.kind is not LiteralKind.STRING:
                raise self.mismatch(field, kind, node.field)
            self.refuse_like_escapes(literal)
            terms.append(to_multi(literal.value) or frozenset())

        def check(value: frozenset[str] | None) -> bool:
            found = value is not None and any(term <= value for term in terms if term)
            return not found if node.excludes else found

        return Test(access, to_multi, check, None)

    def value(self, field: Field, kind: ValueKind, ref: FieldRef, literal: Literal) -> Any:
        """The literal in the field's comparable form, or Salesforce's refusal."""
        if literal.kind is LiteralKind.NULL:
            return False if kind is ValueKind.BOOLEAN else None
        if literal.kind is LiteralKind.STRING:
            self.refuse_like_escapes(literal)
            if kind in (ValueKind.TEXT, ValueKind.MULTI):
                return normalizer(field)(literal.value)
            if kind is ValueKind.ID:
                return self.id_value(ref, literal.value)
        accepted = {
            ValueKind.NUMBER: (LiteralKind.NUMBER,),
            ValueKind.BOOLEAN: (LiteralKind.BOOLEAN,),
            ValueKind.DATE: (LiteralKind.DATE, LiteralKind.DATE_RANGE),
            ValueKind.DATETIME: (LiteralKind.DATETIME, LiteralKind.DATE_RANGE),
        }.get(kind, ())
        if literal.kind not in accepted:
            raise self.mismatch(field, kind, ref)
        if literal.kind is LiteralKind.DATE_RANGE:
            first, after = temporal.date_range(*literal.value)
            if kind is ValueKind.DATETIME:
                return Span(temporal.midnight(first), temporal.midnight(after))
            return Span(first, after)
        return literal.value

    def id_value(self, ref: FieldRef, written: str) -> str | None:
        if written == "":
            return None
        try:
            return ids.to_18(written)
        except ValueError:
            raise self.error(
                errors.INVALID_QUERY_FILTER_OPERATOR, ref.token, f"invalid ID field: {written}"
            ) from None

    def plan(self, field: Field, kind: ValueKind, literals: list[Literal], values: list[Any]) -> Plan | None:
        """A lookup key for ``=``/``IN`` on a text or id field of the FROM object."""
        if kind not in (ValueKind.TEXT, ValueKind.ID) or any(value is None for value in values):
            return None
        if kind is ValueKind.ID:
            lookup = {form for value in values for form in (value, value[:15])}
        else:
            lookup = {literal.value for literal in literals}
        selective = field.name == "Id" or field.unique or field.external_id or field.id_lookup
        return (Key(field.name, normalizer(field), frozenset(values), frozenset(lookup), selective),)

    def refuse_like_escapes(self, literal: Literal) -> None:
        """``\\%`` and ``\\_`` are only allowed in a LIKE pattern."""
        if literal.like_escapes:
            token = self.parsed.tokens[literal.token]
            char = literal.value[min(literal.like_escapes)]
            raise errors.lexer_error(
                self.parsed.text,
                self.parsed.tokens[: literal.token],
                token.start,
                illegal_sequence(token.text, "\\" + char),
                with_position=False,
            )

    def mismatch(self, field: Field, kind: ValueKind, ref: FieldRef) -> errors.SoqlError:
        quoted = "should" if kind in _QUOTED_KINDS else "should not"
        return self.error(
            errors.INVALID_FIELD,
            ref.token,
            f"value of filter criterion for field '{field.name}' must be of type {type_name(field)} "
            f"and {quoted} be enclosed in quotes",
        )

    def operator_error(self, ref: FieldRef, kind_name: str) -> errors.SoqlError:
        return self.error(
            errors.INVALID_QUERY_FILTER_OPERATOR, ref.token, f"invalid operator on {kind_name} field"
        )


def _compare(operator: str, literal: Any) -> Callable[[Any], bool]:
    """A test of a normalised value against a normalised literal.

    ``!=`` is true for null values (SOQL, unlike SQL, does not drop them);
    ordering operators are false for them.
    """
    if isinstance(literal, Span):
        start, end = literal.start, literal.end
        inside: Callable[[Any], bool] = lambda v: v is not None and start <= v < end  # noqa: E731
        return {
            "=": inside,
            "!=": lambda v: not inside(v),
            "<": lambda v: v is not None and v < start,
            "<=": lambda v: v is not None and v < end,
            ">": lambda v: v is not None and v >= end,
            ">=": lambda v: v is not None and v >= start,
        }[operator]
    if operator == "=":
        return lambda v: v == literal
    if operator == "!=":
        return lambda v: v != literal
    if literal is None:
        return lambda v: False
    return {
        "<": lambda v: v is not None and v < literal,
        "<=": lambda v: v is not None and v <= literal,
        ">": lambda v: v is not None and v > literal,
        ">=": lambda v: v is not None and v >= literal,
    }[operator]


def _membership(values: list[Any], negated: bool) -> Callable[[Any], bool]:
    if any(isinstance(value, Span) for value in values):
        tests = [_compare("=", value) for value in values]
        inside: Callable[[Any], bool] = lambda v: any(test(v) for test in tests)  # noqa: E731
    else:
        members = frozenset(values)
        inside = members.__contains__
    return (lambda v: not inside(v)) if negated else inside


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _sorted_multi(value: Any) -> tuple[str, ...] | None:
    parts = to_multi(value)
    return None if parts is None else tuple(sorted(parts))
