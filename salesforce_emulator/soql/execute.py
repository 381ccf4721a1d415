"""Running a query: candidates, filter, order, window, rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..schema import Schema
from .binding import Bound, SortKey, bind
from .parser import parse
from .predicates import Record
from .relationships import place
from .result import QueryResult
from .source import RecordSource


def execute(text: str, schema: Schema, source: RecordSource, *, include_deleted: bool = False) -> QueryResult:
    """Run SOQL ``text`` against ``source`` as Salesforce's query resource would.

    ``include_deleted`` is queryAll: records with ``IsDeleted`` are kept.
    Raises ``SoqlError`` with Salesforce's ``errorCode`` and message.
    """
    bound = bind(parse(text), schema, source, include_deleted=include_deleted)
    matched = [
        record
        for record in _candidates(bound, source)
        if (include_deleted or not record.get("IsDeleted")) and (bound.where is None or bound.where(record))
    ]
    if bound.order:
        _sort(matched, bound.order)
    end = None if bound.limit is None else bound.offset + bound.limit
    window = matched[bound.offset : end]
    if bound.is_count:
        return QueryResult(bound.sobject.name, len(window), [], True)
    rows = [(record.get("Id", ""), _row(bound, record)) for record in window]
    return QueryResult(bound.sobject.name, len(rows), rows, False)


def _candidates(bound: Bound, source: RecordSource) -> Iterable[Record]:
    """The records worth testing: index lookups when the WHERE clause allows.

    Falls back to every record when a key's field has no index. Lookups may
    answer a superset (and overlap); each record is kept once and the whole
    condition is still evaluated on it.
    """
    name = bound.sobject.name
    plan = bound.where.plan if bound.where is not None else None
    if not plan:
        return source.all(name)
    found: dict[Any, Record] = {}
    for key in plan:
        records = source.lookup(name, key.field, key.lookup)
        if records is None:
            return source.all(name)
        for record in records:
            found.setdefault(record.get("Id") or id(record), record)
    return found.values()


def _sort(records: list[Record], order: tuple[SortKey, ...]) -> None:
    # Stable sorts from the last key to the first give a multi-key order
    # with a direction and a null placement per key.
    for key in reversed(order):
        records.sort(key=_sort_value(key), reverse=key.descending)


def _sort_value(key: SortKey) -> Callable[[Record], tuple[int, Any]]:
    # reverse=True flips the whole tuple order, so the nulls' rank flips too.
    null_rank = 1 if key.nulls_last != key.descending else 0
    value_rank = 1 - null_rank

    def sort_value(record: Record) -> tuple[int, Any]:
        value = key.normalize(key.access(record))
        return (null_rank, 0) if value is None else (value_rank, value)

    return sort_value


def _row(bound: Bound, record: Record) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for resolved in bound.selected:
        place(row, resolved, record, bound.parents)
    return row
