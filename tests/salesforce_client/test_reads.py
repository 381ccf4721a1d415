"""Queries, describe and limits against the emulator."""

import pytest

from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.salesforce.soql import build_lookups


def test_it_follows_next_records_url_over_2000_rows(client, calls):
    client.create("Lead", [{"LastName": f"Doe {n}", "Company": "Acme"} for n in range(2050)])
    calls.clear()

    rows = client.query("SELECT Id, LastName FROM Lead")

    assert len(rows) == 2050
    assert len({row["Id"] for row in rows}) == 2050
    assert [len(c.response_body["records"]) for c in calls] == [2000, 50]
    assert calls[1].path.startswith("/services/data/v62.0/query/")


def test_it_strips_attributes_from_rows_and_nested_parents(client, org):
    account = client.create("Account", [{"Name": "Acme"}])[0].id
    client.create("Contact", [{"LastName": "Doe", "AccountId": account}])

    rows = client.query("SELECT Id, LastName, Account.Name FROM Contact")

    assert rows == [{"Id": rows[0]["Id"], "LastName": "Doe", "Account": {"Name": "Acme"}}]


def test_it_returns_no_rows_for_a_query_matching_nothing(client):
    assert client.query("SELECT Id FROM Lead WHERE LastName = 'nobody'") == []


def test_it_raises_a_permanent_error_for_a_bad_query(client):
    with pytest.raises(SalesforceError) as raised:
        client.query("SELECT Nope__c FROM Lead")

    assert raised.value.kind is ErrorKind.PERMANENT
    assert raised.value.status == 400
    assert raised.value.error_code == "INVALID_FIELD"
    assert "No such column 'Nope__c'" in raised.value.message


def test_it_describes_the_org_and_an_object(client):
    names = {o["name"] for o in client.describe_global()["sobjects"]}
    lead = client.describe("Lead")

    assert {"Lead", "Contact", "Account"} <= names
    assert lead["name"] == "Lead"
    assert {"name": "NumberOfEmployees", "type": "int"}.items() <= next(
        f for f in lead["fields"] if f["name"] == "NumberOfEmployees"
    ).items()


def test_it_raises_not_found_for_an_unknown_object(client):
    with pytest.raises(SalesforceError) as raised:
        client.describe("Nope__c")

    assert (raised.value.kind, raised.value.status, raised.value.error_code) == (
        ErrorKind.PERMANENT,
        404,
        "NOT_FOUND",
    )


def test_it_reads_the_org_limits(client, org):
    org.limits.used = 40

    limits = client.limits()

    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 14959}


def test_it_finds_records_by_tricky_values_through_built_lookups(client):
    names = ["O'Brien", "back\\slash", "two\nlines", "50%_off", "漢字 😀", "x' OR LastName != '"]
    created = client.create("Lead", [{"LastName": name, "Company": "Acme"} for name in [*names, "Other"]])
    groups = [{"LastName": name.upper()} for name in names]

    queries = build_lookups("Lead", ["LastName"], groups, "OR", {"LastName": "string"})
    rows = [row for query in queries for row in client.query(query)]

    assert sorted(row["LastName"] for row in rows) == sorted(names)
    assert created[-1].id not in {row["Id"] for row in rows}
