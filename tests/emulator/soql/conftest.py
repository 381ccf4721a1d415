"""A small org for the SOQL tests: a Lead-like and an Account-like object.

``DictSource`` is a record store with case-insensitive equality indexes, as
the emulator's store keeps them; ``ScanOnlySource`` has no index at all, so
every query on it takes the full-scan path.
"""

from collections import defaultdict
from typing import Any

import pytest

from salesforce_emulator.ids import IdMinter
from salesforce_emulator.schema import Field, Schema, SObject
from salesforce_emulator.soql import QueryResult, execute


def make_schema() -> Schema:
    account = SObject(
        name="Account",
        label="Account",
        label_plural="Accounts",
        key_prefix="001",
        fields=[
            Field("Id", "id", filterable=True, unique=True),
            Field("Name", "string", length=255),
            Field("Website", "url", length=255),
            Field("Description", "textarea", length=32000, filterable=False, sortable=False),
            Field("NumberOfEmployees", "int"),
            Field("IsDeleted", "boolean"),
        ],
    )
    lead = SObject(
        name="Lead",
        label="Lead",
        label_plural="Leads",
        key_prefix="00Q",
        fields=[
            Field("Id", "id", unique=True),
            Field("FirstName", "string", length=40),
            Field("LastName", "string", length=80),
            Field("Email", "email", length=80),
            Field("Company", "string", length=255),
            Field("Description", "textarea", length=32000, filterable=False, sortable=False),
            Field("NumberOfEmployees", "int"),
            Field("Score__c", "double", custom=True),
            Field("AnnualRevenue", "currency"),
            Field("HasOptedOutOfEmail", "boolean"),
            Field("Birthdate__c", "date", custom=True),
            Field("LastTouch__c", "datetime", custom=True),
            Field("Status", "picklist", picklist_values=("Open", "Working", "Closed")),
            Field("Interests__c", "multipicklist", custom=True, sortable=False),
            Field(
                "Account__c",
                "reference",
                custom=True,
                reference_to=("Account",),
                relationship_name="Account__r",
            ),
            Field(
                "Member_Number__c",
                "string",
                custom=True,
                unique=True,
                case_sensitive=True,
                external_id=True,
            ),
            Field("IsDeleted", "boolean"),
        ],
    )
    return Schema([account, lead])


class DictSource:
    """Records in memory, with a case-insensitive index on every string field."""

    def __init__(self, records: dict[str, list[dict[str, Any]]]) -> None:
        self.records = records
        self.lookups: list[tuple[str, str, frozenset[Any]]] = []
        self._indexes: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}

    def all(self, object_name: str) -> list[dict[str, Any]]:
        return self.records.get(object_name, [])

    def lookup(self, object_name: str, field_name: str, values: Any) -> list[dict[str, Any]] | None:
        self.lookups.append((object_name, field_name, frozenset(values)))
        key = (object_name, field_name)
        if key not in self._indexes:
            index: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for record in self.all(object_name):
                value = record.get(field_name)
                if isinstance(value, str):
                    index[value.lower()].append(record)
            self._indexes[key] = index
        index = self._indexes[key]
        return [record for value in values for record in index.get(str(value).lower(), [])]


class ScanOnlySource(DictSource):
    def lookup(self, object_name: str, field_name: str, values: Any) -> None:
        self.lookups.append((object_name, field_name, frozenset(values)))
        return None


minter = IdMinter(pod="Ab1")


def lead(**fields: Any) -> dict[str, Any]:
    record = {"Id": minter.mint("00Q"), "IsDeleted": False, "HasOptedOutOfEmail": False}
    record.update(fields)
    return record


def account(**fields: Any) -> dict[str, Any]:
    record = {"Id": minter.mint("001"), "IsDeleted": False}
    record.update(fields)
    return record


@pytest.fixture
def schema() -> Schema:
    return make_schema()


def run(schema: Schema, records: dict[str, list[dict[str, Any]]], text: str, **options: Any) -> QueryResult:
    """Runs ``text`` on both paths and insists they agree, as sets of rows."""
    indexed = execute(text, schema, DictSource(records), **options)
    scanned = execute(text, schema, ScanOnlySource(records), **options)
    assert indexed.total_size == scanned.total_size
    if "ORDER BY" in text.upper() or "LIMIT" not in text.upper():
        assert sorted(map(repr, indexed.rows)) == sorted(map(repr, scanned.rows))
    return indexed


def ids_of(result: QueryResult) -> list[str]:
    return [record_id for record_id, _ in result.rows]
