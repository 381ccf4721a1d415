"""Writing some fields of many rows at once, fast.

Django's ``bulk_update`` builds a ``CASE WHEN pk = ...`` expression per row
and field; resolving those costs seconds of CPU per thousand deliveries, more
than the Salesforce calls they share. Here rows whose new values are equal
share one ``UPDATE ... WHERE pk IN (...)`` (a chunk's deliveries mostly end
alike), and the others cost one plain UPDATE each.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

_IDS_PER_UPDATE = 500


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
    """Write ``fields`` of every object, each row its own values, in one statement per batch.

    ``UPDATE table SET f = v.columnN FROM (VALUES (pk, f...), ...) AS v
    WHERE table.pk = v.column1`` -- PostgreSQL and SQLite (3.33 and later)
    both read it, and both name a VALUES list's columns ``column1``,
    ``column2``... PostgreSQL is told each cell's type (a VALUES list of
    parameters has none of its own).
    """
    if not objects:
        return
    if not set_based():
        save_fields(objects, fields)
        return
    model = type(objects[0])
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    # SQLite takes at most 32,766 parameters per statement.
    per_batch = max(1, _PARAMETERS_PER_UPDATE // len(columns))
    for start in range(0, len(objects), per_batch):
        _update_batch(model, columns, objects[start : start + per_batch])


_PARAMETERS_PER_UPDATE = 30_000


def set_based() -> bool:
    """Whether the database reads ``UPDATE ... FROM`` and ``INSERT ... RETURNING`` (SQLite from 3.35)."""
    if connection.vendor != "sqlite":
        return True
    return sqlite3.sqlite_version_info >= (3, 35)


def _update_batch(model: type[models.Model], columns: list[Any], objects: Sequence[models.Model]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    typed = connection.vendor == "postgresql"
    cell = [f"CAST(%s AS {f.cast_db_type(connection)})" if typed else "%s" for f in columns]
    row = "(" + ", ".join(cell) + ")"
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.column{n}" for n, f in enumerate(columns[1:], start=2)
    )
    pk = connection.ops.quote_name(columns[0].column)
    params: list[Any] = []
    for obj in objects:
        params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
    # Only quoted names from the model's metadata are put in the text; every value is a parameter.
    values = ", ".join([row] * len(objects))
    sql = f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v WHERE {table}.{pk} = v.column1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_each(objects: Sequence[models.Model]) -> None:
    """Insert the objects (of one model, without pks) and give each its pk, in as few statements as allowed.

    Like ``bulk_create``, whose batches on SQLite hold at most 999
    parameters (about 110 attempt rows); SQLite 3.32 and later take 32,766.
    ``INSERT ... RETURNING`` answers the rows in the order they were given,
    as ``bulk_create`` relies on too.
    """
    if not objects:
        return
    model = type(objects[0])
    if not set_based():
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    columns = [f for f in meta.concrete_fields if f is not meta.pk]
    per_batch = max(1, _PARAMETERS_PER_UPDATE // len(columns))
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    pk = connection.ops.quote_name(meta.pk.column)
    for start in range(0, len(objects), per_batch):
        batch = objects[start : start + per_batch]
        params = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in batch for f in columns]
        values = ", ".join([row] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {pk}", params)  # noqa: S608
            for obj, (new_pk,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = new_pk
                obj._state.adding = False
                obj._state.db = connection.alias
