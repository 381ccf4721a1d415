"""One org's records, with case-insensitive equality indexes and undo.

Records are dicts keyed by canonical field names with JSON-form values. Only
fields that were set are stored (a 100,000-record store stays small); a
missing key reads as null. Deleted records stay, with ``IsDeleted: True``.

The store is the SOQL engine's ``RecordSource``. Indexes are built the first
time a field is looked up and kept current on every write afterwards.

Callers hold the org lock around every call; the store does no locking of
its own so that a multi-record operation is one critical section.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from salesforce_emulator.ids import to_18
from salesforce_emulator.schema import NUMBER_TYPES, Field, Schema

Record = dict[str, Any]
_ID_TYPES = frozenset({"id", "reference"})


def index_key(field: Field, value: Any) -> Any:
    """The key two values share when SOQL could call them equal.

    Strings compare case-insensitively; ids compare on their case-sensitive
    15-character body, lower-cased here so 15- and 18-character forms meet
    (the index gives candidates, the query engine decides).
    """
    if value is None:
        return None
    if field.type in _ID_TYPES and isinstance(value, str):
        return value[:15].lower()
    if field.type in NUMBER_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return value.lower()
    return value


class RecordStore:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._records: dict[str, dict[str, Record]] = {o.name: {} for o in schema.objects}
        # (object, field) -> index key -> ids
        self._indexes: dict[tuple[str, str], dict[Any, set[str]]] = {}
        self._journal: list[tuple[str, str, str, Record | None]] | None = None
        # Live (not deleted) records per object, so /limits need not scan.
        self._live: dict[str, int] = dict.fromkeys(self._records, 0)

    def use_schema(self, schema: Schema) -> None:
        """Read and write by ``schema`` from now on (same objects, fields added or changed)."""
        self.schema = schema
        for sobject in schema.objects:
            if sobject.name not in self._records:
                self._records[sobject.name] = {}
                self._live[sobject.name] = 0
        # Indexes hold the old fields' key rules; they are rebuilt on the next lookup.
        self._indexes.clear()

    # --- RecordSource --------------------------------------------------------

    def all(self, object_name: str) -> Iterable[Record]:
        return self._bucket(object_name).values()

    def lookup(self, object_name: str, field_name: str, values: Collection[Any]) -> Iterable[Record] | None:
        sobject = self.schema.get(object_name)
        field = sobject.field(field_name) if sobject else None
        if sobject is None or field is None or any(v is None for v in values):
            return None
        bucket = self._records[sobject.name]
        if field.type == "id":
            found = []
            for value in values:
                record = bucket.get(value) if isinstance(value, str) and len(value) == 18 else None
                if record is None and isinstance(value, str):
                    record = self._by_id15(bucket, value)
                if record is not None:
                    found.append(record)
            return found
        index = self._index(sobject.name, field)
        ids: set[str] = set()
        for value in values:
            ids |= index.get(index_key(field, value), set())
        return [bucket[i] for i in ids]

    # --- Reads ---------------------------------------------------------------

    def get(self, object_name: str, record_id: str) -> Record | None:
        return self._bucket(object_name).get(record_id)

    def count(self, object_name: str, *, include_deleted: bool = False) -> int:
        bucket = self._bucket(object_name)
        if include_deleted:
            return len(bucket)
        return self._live[self._canonical(object_name)]

    def matching(
        self, object_name: str, field_name: str, value: Any, *, case_sensitive: bool
    ) -> list[Record]:
        """Live (not deleted) records whose field equals ``value``."""
        candidates = self.lookup(object_name, field_name, [value]) or []
        sobject = self.schema.get(object_name)
        assert sobject is not None
        canonical = sobject.field(field_name)
        assert canonical is not None
        found = []
        for record in candidates:
            stored = record.get(canonical.name)
            if record.get("IsDeleted") or stored is None:
                continue
            if isinstance(stored, str) and isinstance(value, str) and not case_sensitive:
                equal = stored.lower() == value.lower()
            else:
                equal = stored == value
            if equal:
                found.append(record)
        return found

    # --- Writes --------------------------------------------------------------

    def insert(self, object_name: str, record: Record) -> None:
        bucket = self._bucket(object_name)
        record_id = record["Id"]
        bucket[record_id] = record
        if not record.get("IsDeleted"):
            self._live[self._canonical(object_name)] += 1
        self._log("insert", object_name, record_id, None)
        for (indexed_object, field_name), index in self._indexes.items():
            if indexed_object == object_name and field_name in record:
                self._index_add(object_name, index, field_name, record)

    def update(self, object_name: str, record_id: str, changes: Record) -> Record:
        bucket = self._bucket(object_name)
        record = bucket[record_id]
        self._log("update", object_name, record_id, dict(record))
        if "IsDeleted" in changes and bool(changes["IsDeleted"]) != bool(record.get("IsDeleted")):
            self._live[self._canonical(object_name)] += -1 if changes["IsDeleted"] else 1
        for (indexed_object, field_name), index in self._indexes.items():
            if indexed_object == object_name and field_name in changes:
                self._index_remove(object_name, index, field_name, record)
        record.update(changes)
        for (indexed_object, field_name), index in self._indexes.items():
            if indexed_object == object_name and field_name in changes:
                self._index_add(object_name, index, field_name, record)
        return record

    # --- Transactions (sObject Collections allOrNone) -------------------------

    def begin(self) -> None:
        self._journal = []

    def commit(self) -> None:
        self._journal = None

    def rollback(self) -> None:
        journal, self._journal = self._journal or [], None
        touched = {object_name for _, object_name, _, _ in journal}
        for action, object_name, record_id, before in reversed(journal):
            bucket = self._records[object_name]
            current = bucket[record_id]
            for (indexed_object, field_name), index in self._indexes.items():
                if indexed_object == object_name:
                    self._index_remove(object_name, index, field_name, current)
            if action == "insert":
                del bucket[record_id]
                continue
            assert before is not None
            current.clear()
            current.update(before)
            for (indexed_object, field_name), index in self._indexes.items():
                if indexed_object == object_name:
                    self._index_add(object_name, index, field_name, current)
        for object_name in touched:
            self._live[object_name] = sum(
                1 for r in self._records[object_name].values() if not r.get("IsDeleted")
            )

    # --- Internals -------------------------------------------------------------

    def _canonical(self, object_name: str) -> str:
        if object_name in self._records:
            return object_name
        sobject = self.schema.get(object_name)
        if sobject is None:
            raise KeyError(object_name)
        return sobject.name

    def _bucket(self, object_name: str) -> dict[str, Record]:
        bucket = self._records.get(object_name)
        if bucket is None:
            sobject = self.schema.get(object_name)
            if sobject is None:
                raise KeyError(object_name)
            bucket = self._records[sobject.name]
        return bucket

    @staticmethod
    def _by_id15(bucket: dict[str, Record], value: str) -> Record | None:
        try:
            return bucket.get(to_18(value))
        except ValueError:
            return None

    def _log(self, action: str, object_name: str, record_id: str, before: Record | None) -> None:
        if self._journal is not None:
            self._journal.append((action, object_name, record_id, before))

    def _index(self, object_name: str, field: Field) -> dict[Any, set[str]]:
        index = self._indexes.get((object_name, field.name))
        if index is None:
            index = {}
            for record in self._records[object_name].values():
                key = index_key(field, record.get(field.name))
                if key is not None:
                    index.setdefault(key, set()).add(record["Id"])
            self._indexes[(object_name, field.name)] = index
        return index

    def _index_add(
        self, object_name: str, index: dict[Any, set[str]], field_name: str, record: Record
    ) -> None:
        field = self._field(object_name, field_name)
        key = index_key(field, record.get(field_name))
        if key is not None:
            index.setdefault(key, set()).add(record["Id"])

    def _index_remove(
        self, object_name: str, index: dict[Any, set[str]], field_name: str, record: Record
    ) -> None:
        field = self._field(object_name, field_name)
        key = index_key(field, record.get(field_name))
        ids = index.get(key)
        if ids is not None:
            ids.discard(record["Id"])
            if not ids:
                del index[key]

    def _field(self, object_name: str, field_name: str) -> Field:
        sobject = self.schema.get(object_name)
        field = sobject.field(field_name) if sobject else None
        assert field is not None
        return field
