"""Field paths: ``Email`` on the FROM object, or ``Account.Owner.Name``.

A path is resolved against the schema once (relationship names come from
the reference fields' ``relationship_name``), then read from records by an
accessor; parent records are fetched through the record source, once per
parent per query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .. import ids
from ..schema import Field, Schema, SObject
from .source import RecordSource

Record = dict[str, Any]

NO_SUCH_COLUMN = (
    "No such column '{field}' on entity '{entity}'. If you are attempting to use a custom field, "
    "be sure to append the '__c' after the custom field name. Please reference your WSDL or the "
    "describe call for the appropriate names."
)
NO_SUCH_RELATIONSHIP = (
    "Didn't understand relationship '{name}' in field path. If you are attempting to use a custom "
    "relationship, be sure to append the '__r' after the custom relationship name. Please reference "
    "your WSDL or the describe call for the appropriate names."
)


@dataclass(frozen=True)
class Hop:
    reference: Field  # the lookup field on the child (AccountId)
    relationship: str  # its canonical relationship name (Account)
    target: SObject


@dataclass(frozen=True)
class Resolved:
    hops: tuple[Hop, ...]
    field: Field

    @property
    def names(self) -> tuple[str, ...]:
        return (*(hop.relationship for hop in self.hops), self.field.name)


class PathError(LookupError):
    """A path that does not resolve; ``message`` is Salesforce's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def resolve(schema: Schema, sobject: SObject, path: tuple[str, ...]) -> Resolved:
    """The fields a path walks through; raises ``PathError``."""
    hops: list[Hop] = []
    current = sobject
    for name in path[:-1]:
        hop = _relationship(schema, current, name)
        if hop is None:
            raise PathError(NO_SUCH_RELATIONSHIP.format(name=name))
        hops.append(hop)
        current = hop.target
    field = current.field(path[-1])
    if field is None:
        raise PathError(NO_SUCH_COLUMN.format(field=path[-1], entity=current.name))
    return Resolved(tuple(hops), field)


def _relationship(schema: Schema, sobject: SObject, name: str) -> Hop | None:
    wanted = name.lower()
    for candidate in sobject.fields:
        if candidate.relationship_name and candidate.relationship_name.lower() == wanted:
            # A polymorphic lookup is read through its first target object.
            target = next((schema.get(t) for t in candidate.reference_to if schema.get(t)), None)
            if target is not None:
                return Hop(candidate, candidate.relationship_name, target)
    return None


class Parents:
    """Parent records by id, fetched lazily and remembered for one query."""

    def __init__(self, source: RecordSource, include_deleted: bool) -> None:
        self._source = source
        self._include_deleted = include_deleted
        self._found: dict[tuple[str, str], Record | None] = {}
        self._scanned: dict[str, dict[str, Record]] = {}

    def get(self, object_name: str, record_id: Any) -> Record | None:
        if not isinstance(record_id, str) or not ids.is_valid(record_id):
            return None
        id18 = ids.to_18(record_id)
        cache_key = (object_name, id18)
        if cache_key not in self._found:
            self._found[cache_key] = self._fetch(object_name, id18)
        return self._found[cache_key]

    def _fetch(self, object_name: str, id18: str) -> Record | None:
        if object_name in self._scanned:
            found = self._scanned[object_name].get(id18)
        else:
            candidates = self._source.lookup(object_name, "Id", (id18, id18[:15]))
            if candidates is None:
                self._scanned[object_name] = _by_id(self._source.all(object_name))
                found = self._scanned[object_name].get(id18)
            else:
                found = next((r for r in candidates if _id18(r.get("Id")) == id18), None)
        if found is not None and found.get("IsDeleted") and not self._include_deleted:
            return None
        return found


def accessor(resolved: Resolved, parents: Parents) -> Callable[[Record], Any]:
    """Reads the path's value from a record of the FROM object (None if unset)."""
    name = resolved.field.name
    if not resolved.hops:
        return lambda record: record.get(name)

    def read(record: Record) -> Any:
        current = record
        for hop in resolved.hops:
            parent = parents.get(hop.target.name, current.get(hop.reference.name))
            if parent is None:
                return None
            current = parent
        return current.get(name)

    return read


def place(row: dict[str, Any], resolved: Resolved, record: Record, parents: Parents) -> None:
    """Puts the path's value into ``row``, nesting parents as Salesforce does.

    ``Account.Name`` becomes ``{"Account": {"Name": ...}}``; a missing parent
    becomes ``{"Account": None}``.
    """
    target: dict[str, Any] = row
    current: Record = record
    for hop in resolved.hops:
        parent = parents.get(hop.target.name, current.get(hop.reference.name))
        if parent is None:
            target.setdefault(hop.relationship, None)
            return
        nested = target.get(hop.relationship)
        if not isinstance(nested, dict):
            nested = target[hop.relationship] = {}
        target, current = nested, parent
    target[resolved.field.name] = current.get(resolved.field.name)


def _id18(value: Any) -> str | None:
    if isinstance(value, str) and ids.is_valid(value):
        return ids.to_18(value)
    return None


def _by_id(records: Iterable[Record]) -> dict[str, Record]:
    by_id: dict[str, Record] = {}
    for record in records:
        key = _id18(record.get("Id"))
        if key is not None:
            by_id[key] = record
    return by_id
