"""Writing some fields of many rows at once, fast.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ...`` expression per row
and field; resolving those costs seconds of CPU per thousand deliveries, more
than the Salesforce calls they share. Here each batch of rows is one
statement whatever its size:

- on PostgreSQL the rows travel as one JSON document, read back as a table
  by ``jsonb_to_recordset``. A statement with one parameter per cell (15,000
  for a chunk's deliveries) spent most of the sender's CPU in the database
  driver, which parses the statement's text placeholder by placeholder and
  prepares each cell through its field; one JSON text is encoded in C and
  quoted once.
- on SQLite (3.35 and later) a ``VALUES`` list of parameters, which its
  driver binds without parsing the text again.
- older SQLite: rows with equal new values share one ``UPDATE ... WHERE pk
  IN (...)`` (a chunk's deliveries mostly end alike).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models
from django.db.models.expressions import RawSQL

_IDS_PER_UPDATE = 500
# SQLite takes at most 32,766 parameters per statement.
_PARAMETERS_PER_UPDATE = 30_000
# PostgreSQL: rows per statement (a chunk is at most 1,000 deliveries).
_ROWS_PER_STATEMENT = 5_000


def save_fields(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of every object (callers set ``updated_at`` themselves when they list it)."""
    if not objects:
        return
    model = type(objects[0])
    groups: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    for obj in objects:
        values = {name: getattr(obj, name) for name in fields}
        key = json.dumps(values, sort_keys=True, default=str)
        groups.setdefault(key, (values, []))[1].append(obj.pk)
    for values, ids in groups.values():
        for start in range(0, len(ids), _IDS_PER_UPDATE):
            model._default_manager.filter(pk__in=ids[start : start + _IDS_PER_UPDATE]).update(**values)


def update_each(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of every object, each row its own values, in one statement per batch."""
    if not objects:
        return
    if not set_based():
        save_fields(objects, fields)
        return
    model = type(objects[0])
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    if connection.vendor == "postgresql":
        for batch in _batches(objects, _ROWS_PER_STATEMENT):
            _update_from_json(model, columns, batch)
        return
    for batch in _batches(objects, max(1, _PARAMETERS_PER_UPDATE // len(columns))):
        _update_from_values(model, columns, batch)


def insert_each(objects: Sequence[models.Model]) -> None:
    """Insert the objects (of one model, without pks) and give each its pk, in as few statements as allowed.

    Like ``bulk_create``, whose batches on SQLite hold at most 999
    parameters (about 110 attempt rows); SQLite 3.32 and later take 32,766.
    The new pks are read from ``RETURNING``, in the order the rows were
    inserted, as ``bulk_create`` relies on too.
    """
    if not objects:
        return
    model = type(objects[0])
    if not set_based():
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    columns = [f for f in meta.concrete_fields if f is not meta.pk]
    if connection.vendor == "postgresql":
        for batch in _batches(objects, _ROWS_PER_STATEMENT):
            _insert_from_json(model, columns, batch)
        return
    for batch in _batches(objects, max(1, _PARAMETERS_PER_UPDATE // len(columns))):
        _insert_from_values(model, columns, batch)


def ids_in(ids: Iterable[int]) -> Any:
    """For ``filter(pk__in=ids_in(ids))``: thousands of ids as one parameter on PostgreSQL.

    One placeholder per id costs the database driver's statement parsing
    about as much as the rest of the UPDATE; an array is one literal.
    """
    listed = [int(i) for i in ids]
    if connection.vendor != "postgresql":
        return listed
    return RawSQL("SELECT unnest(%s::bigint[])", ["{" + ",".join(map(str, listed)) + "}"])


def set_based() -> bool:
    """Whether the database reads ``UPDATE ... FROM`` and ``INSERT ... RETURNING`` (SQLite from 3.35)."""
    if connection.vendor != "sqlite":
        return True
    return sqlite3.sqlite_version_info >= (3, 35)


def _batches(objects: Sequence[models.Model], size: int) -> Iterable[Sequence[models.Model]]:
    for start in range(0, len(objects), size):
        yield objects[start : start + size]


def _update_from_json(model: type[models.Model], columns: list[Any], objects: Sequence[models.Model]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(columns[0].column)
    assignments = ", ".join(f"{quote(f.column)} = {_json_cell(f)}" for f in columns[1:])
    # Only quoted names and types from the model's metadata are put in the text; the rows are a parameter.
    sql = (
        f"UPDATE {table} SET {assignments} FROM jsonb_to_recordset(%s::jsonb) "  # noqa: S608
        f"AS v({_json_columns(columns)}) WHERE {table}.{pk} = v.{pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_json_rows(columns, objects, lambda f, obj: getattr(obj, f.attname))])


def _insert_from_json(model: type[models.Model], columns: list[Any], objects: Sequence[models.Model]) -> None:
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    cells = ", ".join(_json_cell(f) for f in columns)
    # WITH ORDINALITY and ORDER BY: the rows are inserted, and RETURNING
    # answers, in the order they were given.
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {cells} FROM ROWS FROM "  # noqa: S608
        f"(jsonb_to_recordset(%s::jsonb) AS ({_json_columns(columns)})) WITH ORDINALITY "
        f"AS v({names}, row_number) ORDER BY v.row_number RETURNING {quote(meta.pk.column)}"
    )
    rows = _json_rows(columns, objects, lambda f, obj: f.pre_save(obj, add=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, [rows])
        _give_pks(objects, cursor.fetchall())


def _json_columns(columns: list[Any]) -> str:
    return ", ".join(f"{connection.ops.quote_name(f.column)} {_json_type(f)}" for f in columns)


def _json_type(field: Any) -> str:
    return "jsonb" if isinstance(field, models.JSONField) else str(field.cast_db_type(connection))


def _json_cell(field: Any) -> str:
    # A JSON null reads back as SQL NULL, which is also what Django stores for None.
    return f"v.{connection.ops.quote_name(field.column)}"


def _json_rows(columns: list[Any], objects: Sequence[models.Model], value: Any) -> str:
    names = [f.column for f in columns]
    rows = [dict(zip(names, (value(f, obj) for f in columns), strict=True)) for obj in objects]
    return json.dumps(rows, default=_json_scalar, allow_nan=False)


def _json_scalar(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be written by saving.update_each")


def _update_from_values(
    model: type[models.Model], columns: list[Any], objects: Sequence[models.Model]
) -> None:
    """``UPDATE table SET f = v.columnN FROM (VALUES (pk, f...), ...) AS v WHERE table.pk = v.column1``."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    assignments = ", ".join(f"{quote(f.column)} = v.column{n}" for n, f in enumerate(columns[1:], start=2))
    pk = quote(columns[0].column)
    params: list[Any] = []
    for obj in objects:
        params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
    # Only quoted names from the model's metadata are put in the text; every value is a parameter.
    values = ", ".join([row] * len(objects))
    sql = f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v WHERE {table}.{pk} = v.column1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert_from_values(
    model: type[models.Model], columns: list[Any], objects: Sequence[models.Model]
) -> None:
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in objects for f in columns]
    values = ", ".join([row] * len(objects))
    sql = f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {quote(meta.pk.column)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _give_pks(objects, cursor.fetchall())


def _give_pks(objects: Sequence[models.Model], rows: list[Any]) -> None:
    for obj, (new_pk,) in zip(objects, rows, strict=True):
        obj.pk = new_pk
        obj._state.adding = False
        obj._state.db = connection.alias
