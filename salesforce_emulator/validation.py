"""The checks Salesforce runs before it saves a record.

One validator serves REST, sObject Collections and Bulk: they differ only in
how values arrive (see ``values.py``), not in what a valid record is. The
checks run in a fixed order and the first failing one is reported:
writability, field values, required fields, lookups, validation rules,
unique fields, duplicate rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from salesforce_emulator import errors, ids
from salesforce_emulator.errors import RecordError, RecordFailure
from salesforce_emulator.schema import Field, SObject
from salesforce_emulator.values import TEXT_TYPES

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

Record = dict[str, Any]
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)


def is_person_account(sobject: SObject, record: Record) -> bool:
    """Whether an Account record (as it will be saved) is a person account."""
    if sobject.name != "Account" or not sobject.record_types:
        return False
    record_type_id = record.get("RecordTypeId")
    record_type = sobject.record_type(record_type_id) if isinstance(record_type_id, str) else None
    return bool(record_type and record_type.is_person_type)


def validate(org: Org, sobject: SObject, merged: Record, changes: Record, *, creating: bool) -> None:
    """Raise ``RecordFailure`` with Salesforce's error if the save must not happen.

    ``changes`` holds the canonical fields the client set; ``merged`` is the
    record as it would be saved (defaults and existing values included).
    """
    person = is_person_account(sobject, merged)
    for check in (_writable, _field_values, _required, _references):
        error = check(org, sobject, merged, changes, creating, person)
        if error is not None:
            raise RecordFailure(error)
    for rule in org.validation_rules:
        if rule.object_name.lower() == sobject.name.lower() and rule.violated_by(merged):
            raise RecordFailure(errors.custom_validation(rule.message, rule.error_field))
    _unique(org, sobject, merged, changes)
    _duplicate_rules(org, sobject, merged)


def _writable(
    org: Org, sobject: SObject, merged: Record, changes: Record, creating: bool, person: bool
) -> RecordError | None:
    read_only = []
    person_only = []
    for name in changes:
        field = sobject.field(name)
        assert field is not None
        allowed = field.createable if creating else field.updateable
        if not allowed or (person and name == "Name"):
            read_only.append(name)
        elif field.person_account_only and not person and changes[name] is not None:
            person_only.append(name)
    if read_only:
        return errors.read_only_fields(read_only)
    if person_only:
        message = f"{sobject.label}: bad field names on insert/update call: {', '.join(person_only)}"
        return RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", message, tuple(person_only))
    return None


def _field_values(
    org: Org, sobject: SObject, merged: Record, changes: Record, creating: bool, person: bool
) -> RecordError | None:
    for name, value in changes.items():
        if value is None:
            continue
        field = sobject.field(name)
        assert field is not None
        error = check_value(field, value)
        if error is not None:
            return error
    return None


def check_value(field: Field, value: Any) -> RecordError | None:
    """The error for a non-null value its field cannot hold, if any."""
    if field.type == "picklist" and field.restricted_picklist and value not in field.picklist_values:
        return errors.bad_restricted_picklist(field.label, field.name, str(value))
    is_text = field.type in TEXT_TYPES and field.type not in ("id", "reference")
    if is_text and field.length and len(value) > field.length:
        return errors.string_too_long(field.label, field.name, value, field.length)
    if field.type == "email" and not _EMAIL.match(value):
        return errors.invalid_email(field.label, field.name, value)
    return None


def _required(
    org: Org, sobject: SObject, merged: Record, changes: Record, creating: bool, person: bool
) -> RecordError | None:
    missing = []
    for field in sobject.fields:
        if person and field.name == "Name":
            continue
        required = not field.nillable and field.createable and not field.defaulted_on_create
        if person and field.name == "LastName":
            required = True
        if not required:
            continue
        # On update only the fields being cleared can go missing.
        value = merged.get(field.name) if creating else changes.get(field.name, "present")
        if value in (None, ""):
            missing.append(field.name)
    return errors.required_missing(missing) if missing else None


def _references(
    org: Org, sobject: SObject, merged: Record, changes: Record, creating: bool, person: bool
) -> RecordError | None:
    for name, value in changes.items():
        field = sobject.field(name)
        assert field is not None
        if field.type != "reference" or value is None:
            continue
        try:
            target_id = ids.to_18(value)
        except ValueError:
            return errors.malformed_reference(field.label, field.name, value)
        target = org.schema.by_key_prefix(target_id[:3])
        if target is None or target.name not in field.reference_to:
            code = org.config.wrong_object_reference_error
            return errors.wrong_object_reference(code, field.label, field.name, value)
        record = org.store.get(target.name, target_id)
        if record is None or record.get("IsDeleted"):
            return errors.invalid_cross_reference()
        changes[name] = target_id
        merged[name] = target_id
    return None


def _unique(org: Org, sobject: SObject, merged: Record, changes: Record) -> None:
    for name, value in changes.items():
        field = sobject.field(name)
        assert field is not None
        if value is None or not field.unique:
            continue
        clash = [
            r
            for r in org.store.matching(sobject.name, name, value, case_sensitive=field.case_sensitive)
            if r["Id"] != merged.get("Id")
        ]
        if clash:
            error = errors.duplicate_value(name, clash[0]["Id"], org.config.duplicate_value_lists_field)
            raise RecordFailure(error)


def _duplicate_rules(org: Org, sobject: SObject, merged: Record) -> None:
    for rule in org.duplicate_rules:
        if rule.object_name.lower() != sobject.name.lower() or not rule.fields:
            continue
        values = [merged.get(_canonical(sobject, f)) for f in rule.fields]
        if any(v is None or v == "" for v in values):
            continue
        first = _canonical(sobject, rule.fields[0])
        for candidate in org.store.matching(sobject.name, first, values[0], case_sensitive=False):
            if candidate["Id"] == merged.get("Id"):
                continue
            if all(
                str(candidate.get(_canonical(sobject, f)) or "").lower() == str(v).lower()
                for f, v in zip(rule.fields, values, strict=True)
            ):
                raise RecordFailure(errors.duplicates_detected(rule.message))


def _canonical(sobject: SObject, name: str) -> str:
    field = sobject.field(name)
    return field.name if field else name
