"""Reading which Account record types make person accounts, with Account's describe."""

from __future__ import annotations

from typing import Any

import pytest

from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.salesforce.person_accounts import PERSON_TYPES_KEY, add_person_types


def test_it_adds_the_person_record_types_of_a_person_account_org(client, salesforce_emulator, org):
    salesforce_emulator.enable_person_accounts("production")
    (person,) = [rt.record_type_id for rt in org.schema.get("Account").record_types if rt.is_person_type]

    body = add_person_types(client, client.describe("Account"))

    assert body[PERSON_TYPES_KEY] == [person]


def test_it_reads_nothing_more_where_the_org_has_no_person_accounts(client, calls):
    account = client.describe("Account")
    calls.clear()

    assert add_person_types(client, account) == account
    assert calls == []


def test_it_lets_a_passing_failure_through_so_nothing_wrong_is_cached(client, salesforce_emulator, org):
    salesforce_emulator.enable_person_accounts("production")
    account = client.describe("Account")
    org.faults.add("503", path="/query", count=1)

    with pytest.raises(SalesforceError) as raised:
        add_person_types(client, account)

    assert raised.value.kind is ErrorKind.TRANSIENT


class _RecordTypesRefused:
    """A client whose user may not read RecordType (Salesforce answers 403 to the query)."""

    def query(self, soql: str) -> list[dict[str, Any]]:
        raise SalesforceError(ErrorKind.PERMANENT, status=403, error_code="INSUFFICIENT_ACCESS")


def test_it_falls_back_to_the_standard_person_type_when_record_types_cannot_be_read(
    client, salesforce_emulator
):
    salesforce_emulator.enable_person_accounts("production")
    account = client.describe("Account")
    (person,) = [
        i["recordTypeId"] for i in account["recordTypeInfos"] if i["developerName"] == "PersonAccount"
    ]

    body = add_person_types(_RecordTypesRefused(), account)  # type: ignore[arg-type]

    assert body[PERSON_TYPES_KEY] == [person]
