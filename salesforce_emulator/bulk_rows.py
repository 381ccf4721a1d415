"""Applying a Bulk API 2.0 job's rows: the header decides, each row succeeds or fails.

Header names are fields of the job's object, ``Id``, or a lookup set
through the parent's external id (``Account.External_Id__c``). An unknown
name fails the whole job (``InvalidBatch : Field name not found : X``). In a
row, an empty cell leaves the field unchanged and ``#N/A`` sets it to null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesforce_emulator import duplicate_keys, errors, ids
from salesforce_emulator.bulk_csv import CsvJobError, CsvRow
from salesforce_emulator.errors import RecordError, RecordFailure
from salesforce_emulator.records import MultipleMatches, RecordMissing
from salesforce_emulator.schema import Field, SObject
from salesforce_emulator.values import from_csv

if TYPE_CHECKING:
    from salesforce_emulator.bulk import BulkJob
    from salesforce_emulator.orgs import Org

NULL = "#N/A"


@dataclass(frozen=True)
class Column:
    header: str
    field: Field | None = None  # a field of the job's object
    lookup: Field | None = None  # Account.External_Id__c: the lookup (AccountId) ...
    parent: SObject | None = None  # ... the parent object ...
    parent_key: Field | None = None  # ... and its key field
    is_id: bool = False


class RowPlan:
    def __init__(self, org: Org, job: BulkJob) -> None:
        sobject = org.schema.get(job.object)
        assert sobject is not None
        self.org = org
        self.job = job
        self.sobject = sobject
        self.columns = [self._column(name) for name in job.header]
        # Columns hold canonical names, and "Id" for the id column.
        names = {c.field.name for c in self.columns if c.field}
        if job.operation in ("update", "delete", "hardDelete") and "Id" not in names:
            raise CsvJobError("InvalidBatch : Field name not provided: Id")
        self.key: Field | None = None
        if job.operation == "upsert" and job.external_id_field:
            self.key = sobject.field(job.external_id_field)
            if self.key is None or self.key.name not in names:
                raise CsvJobError(f"InvalidBatch : Field name not provided: {job.external_id_field}")
        # Upsert keys found on more than one row of the current batch: each such row fails.
        self.shared: set[Any] = set()

    def start_batch(self, rows: list[CsvRow]) -> None:
        key = self.key
        if key is None or key.name == "Id":
            self.shared = set()
            return
        position = next(
            i for i, c in enumerate(self.columns) if c.field is not None and c.field.name == key.name
        )
        cells = [row.cells[position] for row in rows if not row.error and len(row.cells) == len(self.columns)]
        self.shared = duplicate_keys.repeated(self.org, key, [c for c in cells if c != NULL])

    def _column(self, name: str) -> Column:
        if name.lower() == "id":
            return Column(name, field=self.sobject.field("Id"), is_id=True)
        if "." in name:
            relationship, _, key_name = name.partition(".")
            for lookup in self.sobject.fields:
                if lookup.relationship_name and lookup.relationship_name.lower() == relationship.lower():
                    parent = self.org.schema.get(lookup.reference_to[0]) if lookup.reference_to else None
                    key = parent.field(key_name) if parent else None
                    if parent and key and (key.external_id or key.id_lookup):
                        return Column(name, lookup=lookup, parent=parent, parent_key=key)
            raise CsvJobError(f"InvalidBatch : Field name not found : {name}")
        field = self.sobject.field(name)
        if field is None:
            raise CsvJobError(f"InvalidBatch : Field name not found : {name}")
        return Column(name, field=field)

    def apply(self, row: CsvRow) -> None:
        given_id = next((c for col, c in zip(self.columns, row.cells, strict=False) if col.is_id), "")
        if row.error or len(row.cells) != len(self.columns):
            reason = row.error or f"the row has {len(row.cells)} values for {len(self.columns)} columns"
            self._fail(given_id, RecordError("INVALID_CSV_ROW", f"Invalid CSV row: {reason}", ()), row.cells)
            return
        try:
            record_id, created = self._write(row.cells, given_id)
        except RecordFailure as failure:
            self._fail(given_id if self.job.operation != "insert" else "", failure.errors[0], row.cells)
            return
        self.job.successes.append((record_id, "true" if created else "false", row.cells))

    def _fail(self, record_id: str, error: RecordError, cells: list[str]) -> None:
        self.job.failures.append((record_id, error.bulk(), cells))

    def _write(self, cells: list[str], given_id: str) -> tuple[str, bool]:
        changes = self._changes(cells)
        writer = self.org.writer
        operation = self.job.operation
        if operation == "insert":
            if given_id:
                raise RecordFailure(errors.id_in_insert())
            return writer.create(self.sobject, changes), True
        if operation == "upsert":
            assert self.key is not None
            key = given_id if self.key.name == "Id" else changes.pop(self.key.name, None)
            if key in (None, ""):
                raise RecordFailure(RecordError("MISSING_ARGUMENT", f"{self.key.name} not specified", ()))
            if duplicate_keys.comparable(self.org, self.key, key) in self.shared:
                raise RecordFailure(errors.duplicate_external_id(self.key.name, str(key)))
            try:
                return writer.upsert(self.sobject, self.key, key, changes)
            except MultipleMatches:
                raise RecordFailure(errors.duplicate_external_id(self.key.name, str(key))) from None
            except (RecordMissing, ValueError):
                raise RecordFailure(errors.invalid_cross_reference()) from None
        record_id = self._existing_id(given_id)
        try:
            if operation == "update":
                writer.update(self.sobject, record_id, changes)
            else:
                writer.delete(self.sobject, record_id)
        except RecordMissing:
            error = errors.entity_is_deleted() if operation != "update" else errors.invalid_cross_reference()
            raise RecordFailure(error) from None
        return record_id, False

    def _existing_id(self, given_id: str) -> str:
        if not given_id:
            raise RecordFailure(errors.id_missing_in_update())
        if not ids.is_valid(given_id):
            raise RecordFailure(errors.malformed_id(given_id))
        record_id = ids.to_18(given_id)
        if record_id[:3] != self.sobject.key_prefix:
            raise RecordFailure(errors.invalid_cross_reference())
        return record_id

    def _changes(self, cells: list[str]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for column, text in zip(self.columns, cells, strict=True):
            if column.is_id or text == "":
                continue
            if column.lookup is not None:
                changes[column.lookup.name] = None if text == NULL else self._parent_id(column, text)
            elif column.field is not None:
                changes[column.field.name] = None if text == NULL else from_csv(column.field, text)
        return changes

    def _parent_id(self, column: Column, text: str) -> str:
        assert column.parent is not None and column.parent_key is not None
        key = column.parent_key
        matches = self.org.store.matching(
            column.parent.name, key.name, text, case_sensitive=key.case_sensitive
        )
        if len(matches) != 1:
            raise RecordFailure(errors.foreign_key_not_found(text, key.name, column.parent.name))
        record_id: str = matches[0]["Id"]
        return record_id
