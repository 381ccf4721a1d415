"""Writing records: create, update, upsert and delete, for every API.

The writer fills in what Salesforce fills in (system fields, defaults,
compound names, auto numbers, person-account fields), runs the shared
validator, and writes to the store, all under the org lock so that a write
and its checks are one step. REST, sObject Collections and Bulk call these
same functions and only render the outcome differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesforce_emulator import clock, errors, ids
from salesforce_emulator.errors import RecordError, RecordFailure
from salesforce_emulator.schema import Field, SObject
from salesforce_emulator.validation import is_person_account, validate

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

Record = dict[str, Any]

# Probability Salesforce sets from an opportunity's stage (the standard stages).
_STAGE_PROBABILITY = {
    "Prospecting": 10,
    "Qualification": 10,
    "Needs Analysis": 20,
    "Value Proposition": 50,
    "Id. Decision Makers": 60,
    "Perception Analysis": 70,
    "Proposal/Price Quote": 75,
    "Negotiation/Review": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
}


class RecordMissing(Exception):
    """No record of this object has the id (well-formed, never existed)."""


class MultipleMatches(Exception):
    def __init__(self, record_ids: list[str]) -> None:
        super().__init__(", ".join(record_ids))
        self.record_ids = record_ids


class NoMatch(Exception):
    """An ``updateOnly`` upsert found nothing to update."""


def resolve_fields(sobject: SObject, body: Record, *, allow_id: bool = False) -> list[tuple[Field, str, Any]]:
    """(field, name as sent, value) for each key of a record body.

    Raises ``RecordFailure`` for an unknown field or an ``Id`` where none is allowed.
    """
    resolved = []
    for key, value in body.items():
        if key == "attributes":
            continue
        field = sobject.field(key)
        if field is None:
            raise RecordFailure(errors.unknown_field(key, sobject.name))
        if field.name == "Id" and not allow_id:
            raise RecordFailure(errors.id_in_body())
        resolved.append((field, key, value))
    return resolved


class RecordWriter:
    def __init__(self, org: Org) -> None:
        self.org = org

    def live(self, sobject: SObject, record_id: str) -> Record:
        """The record, if it exists and is not deleted.

        Raises ``ValueError`` (malformed id), ``RecordMissing`` or
        ``RecordFailure`` (ENTITY_IS_DELETED).
        """
        full_id = ids.to_18(record_id)
        record = self.org.store.get(sobject.name, full_id)
        if record is None:
            raise RecordMissing(full_id)
        if record.get("IsDeleted"):
            raise RecordFailure(errors.entity_is_deleted())
        return record

    def create(self, sobject: SObject, changes: Record) -> str:
        org = self.org
        with org.lock:
            if not sobject.createable:
                raise RecordFailure(_cannot("inserted", sobject))
            record_id = org.minter.mint(sobject.key_prefix)
            merged: Record = {"Id": record_id}
            for field in sobject.fields:
                if field.default_value is not None and field.createable:
                    merged[field.name] = field.default_value
            if sobject.record_types and "RecordTypeId" not in changes:
                merged["RecordTypeId"] = next(
                    (rt.record_type_id for rt in sobject.record_types if rt.default), None
                )
            merged.update(changes)
            validate(org, sobject, merged, changes, creating=True)
            now = clock.stamp()
            merged.update(
                IsDeleted=False,
                CreatedDate=now,
                CreatedById=org.user_id,
                LastModifiedDate=now,
                LastModifiedById=org.user_id,
                SystemModstamp=now,
            )
            if sobject.field("OwnerId") and merged.get("OwnerId") is None:
                merged["OwnerId"] = org.user_id
            merged.update(self._derived(sobject, merged, changes, creating=True))
            org.store.insert(sobject.name, {k: v for k, v in merged.items() if v is not None})
            if is_person_account(sobject, merged):
                self._create_person_contact(merged)
            return record_id

    def update(self, sobject: SObject, record_id: str, changes: Record) -> Record:
        org = self.org
        with org.lock:
            if not sobject.updateable:
                raise RecordFailure(_cannot("updated", sobject))
            record = self.live(sobject, record_id)
            merged = {**record, **changes}
            validate(org, sobject, merged, changes, creating=False)
            now = clock.stamp()
            write = dict(changes)
            write.update(LastModifiedDate=now, LastModifiedById=org.user_id, SystemModstamp=now)
            write.update(self._derived(sobject, {**record, **write}, changes, creating=False))
            updated = org.store.update(sobject.name, record["Id"], write)
            for name in [k for k, v in updated.items() if v is None]:
                del updated[name]
            if updated.get("PersonContactId"):
                self._sync_person_contact(updated)
            return updated

    def upsert(
        self, sobject: SObject, field: Field, value: Any, changes: Record, *, update_only: bool = False
    ) -> tuple[str, bool]:
        """(record id, created). Raises ``MultipleMatches`` or ``NoMatch`` besides validation errors."""
        org = self.org
        with org.lock:
            if field.name == "Id":
                record = self.live(sobject, value)
                return self.update(sobject, record["Id"], changes)["Id"], False
            case_sensitive = field.case_sensitive or not org.config.external_id_case_insensitive
            matches = org.store.matching(sobject.name, field.name, value, case_sensitive=case_sensitive)
            if len(matches) > 1:
                raise MultipleMatches([r["Id"] for r in matches])
            if matches:
                return self.update(sobject, matches[0]["Id"], changes)["Id"], False
            if update_only:
                raise NoMatch(value)
            return self.create(sobject, {**changes, field.name: value}), True

    def delete(self, sobject: SObject, record_id: str) -> None:
        org = self.org
        with org.lock:
            if not sobject.deletable:
                raise RecordFailure(_cannot("deleted", sobject))
            record = self.live(sobject, record_id)
            now = clock.stamp()
            changes = {"IsDeleted": True, "LastModifiedDate": now, "SystemModstamp": now}
            org.store.update(sobject.name, record["Id"], changes)

    # --- What Salesforce derives ------------------------------------------------

    def _derived(self, sobject: SObject, merged: Record, changes: Record, *, creating: bool) -> Record:
        derived: Record = {}
        person = is_person_account(sobject, merged)
        if sobject.field("IsPersonAccount") is not None:
            derived["IsPersonAccount"] = person
        if sobject.compound_name and (sobject.name != "Account" or person):
            parts = [str(merged[p]) for p in sobject.compound_name if merged.get(p)]
            derived["Name"] = " ".join(parts) or None
        if creating:
            for field in sobject.fields:
                if field.auto_number:
                    derived[field.name] = self._next_auto_number(sobject.name)
            if sobject.custom and sobject.field("Name") and not merged.get("Name"):
                derived["Name"] = merged["Id"]
        if sobject.name == "Opportunity" and "StageName" in changes:
            stage = merged.get("StageName")
            if "Probability" not in changes and stage in _STAGE_PROBABILITY:
                derived["Probability"] = float(_STAGE_PROBABILITY[stage])
            derived["IsClosed"] = stage in ("Closed Won", "Closed Lost")
            derived["IsWon"] = stage == "Closed Won"
        if sobject.name == "Case" and "Status" in merged:
            derived["IsClosed"] = merged.get("Status") == "Closed"
        return derived

    def _next_auto_number(self, object_name: str) -> str:
        number = self.org.auto_numbers.get(object_name, 1000) + 1
        self.org.auto_numbers[object_name] = number
        return f"{number:08d}"

    def _create_person_contact(self, account: Record) -> None:
        """A person account owns a hidden Contact, as on Salesforce."""
        contact_id = self.org.minter.mint("003")
        contact = {
            "Id": contact_id,
            "AccountId": account["Id"],
            "IsDeleted": False,
            "OwnerId": account.get("OwnerId"),
            **{k: account[k] for k in ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById")},
            "SystemModstamp": account["SystemModstamp"],
        }
        contact.update(self._person_contact_fields(account))
        self.org.store.insert("Contact", {k: v for k, v in contact.items() if v is not None})
        self.org.store.update("Account", account["Id"], {"PersonContactId": contact_id})

    def _sync_person_contact(self, account: Record) -> None:
        contact_id = account["PersonContactId"]
        if self.org.store.get("Contact", contact_id) is not None:
            self.org.store.update("Contact", contact_id, self._person_contact_fields(account))

    @staticmethod
    def _person_contact_fields(account: Record) -> Record:
        fields = {
            "FirstName": account.get("FirstName"),
            "LastName": account.get("LastName"),
            "Salutation": account.get("Salutation"),
            "Email": account.get("PersonEmail"),
            "MobilePhone": account.get("PersonMobilePhone"),
            "Birthdate": account.get("PersonBirthdate"),
        }
        fields["Name"] = (
            " ".join(str(account[p]) for p in ("FirstName", "LastName") if account.get(p)) or None
        )
        for key, value in account.items():
            if key.startswith("PersonMailing"):
                fields[key.removeprefix("Person")] = value
            elif key.endswith("__pc"):
                fields[key[:-4] + "__c"] = value
        return fields


def _cannot(verb: str, sobject: SObject) -> RecordError:
    return RecordError("INVALID_TYPE_FOR_OPERATION", f"entity type cannot be {verb}: {sobject.label}", ())
