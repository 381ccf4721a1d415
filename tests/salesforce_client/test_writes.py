"""Collections writes against the emulator: results per record, in order, 200 a call."""

import pytest

from destinations.salesforce.errors import ErrorKind

from .conftest import api_requests


def lead(number: int, **fields):
    return {"LastName": f"Doe {number}", "Company": "Acme", **fields}


def test_it_creates_records_and_reports_each_row(client, org):
    results = client.create("Lead", [lead(1), {"LastName": "No company"}, lead(3)])

    assert [r.success for r in results] == [True, False, True]
    assert org.record("Lead", results[0].id)["LastName"] == "Doe 1"
    assert results[0].created is True
    assert results[1].id is None
    assert results[1].error.kind is ErrorKind.PERMANENT
    assert results[1].error.error_code == "REQUIRED_FIELD_MISSING"
    assert results[1].error.fields == ["Company"]
    assert results[1].error.message == "Required fields are missing: [Company]"


def test_it_adds_the_object_type_to_every_record(client, org):
    client.create("Lead", [lead(1)])

    assert '"attributes": {"type": "Lead"}' in api_requests(org)[-1].body


def test_it_sends_collections_with_all_or_none_false(client, org):
    client.create("Lead", [lead(1), {"LastName": "No company"}])

    assert '"allOrNone": false' in api_requests(org)[-1].body
    assert len(org.records("Lead")) == 1


def test_it_splits_201_records_into_two_calls(client, org, calls):
    results = client.create("Lead", [lead(n) for n in range(201)])

    assert len(results) == 201 and all(r.success for r in results)
    assert [len(c.request_body["records"]) for c in calls] == [200, 1]
    assert [org.record("Lead", r.id)["LastName"] for r in results] == [f"Doe {n}" for n in range(201)]


def test_it_makes_no_call_for_an_empty_list(client, calls):
    assert client.create("Lead", []) == []
    assert client.delete([]) == []
    assert calls == []


def test_it_updates_records_by_id_with_per_row_errors(client, org):
    created = client.create("Lead", [lead(1), lead(2)])
    first, second = (r.id for r in created)

    results = client.update("Lead", [{"Id": first, "Title": "CEO"}, {"Id": second, "Email": "not an email"}])

    assert [r.success for r in results] == [True, False]
    assert results[0].id == first and results[0].created is None
    assert org.record("Lead", first)["Title"] == "CEO"
    assert results[1].error.error_code == "INVALID_EMAIL_ADDRESS"
    assert results[1].error.fields == ["Email"]
    assert results[1].error.kind is ErrorKind.PERMANENT


def test_it_refuses_to_update_a_record_without_an_id(client, calls):
    with pytest.raises(ValueError, match="no Id"):
        client.update("Lead", [{"Title": "CEO"}])
    assert calls == []


def test_it_upserts_and_says_which_records_were_created(client, org):
    existing = client.create("Lead", [lead(1, External_Id__c="ext-1")])[0].id

    results = client.upsert(
        "Lead",
        "External_Id__c",
        [
            {"External_Id__c": "ext-1", "Title": "Updated"},
            {"External_Id__c": "ext-2", "LastName": "New", "Company": "Acme"},
            {"External_Id__c": "ext-3", "LastName": "No company"},
        ],
    )

    assert [(r.success, r.created) for r in results] == [(True, False), (True, True), (False, None)]
    assert results[0].id == existing
    assert org.record("Lead", existing)["Title"] == "Updated"
    assert org.record("Lead", results[1].id)["External_Id__c"] == "ext-2"
    assert results[2].error.error_code == "REQUIRED_FIELD_MISSING"


def test_it_upserts_through_the_object_and_field_in_the_path(client, org):
    client.upsert("Lead", "External_Id__c", [{"External_Id__c": "a", "LastName": "A", "Company": "C"}])

    request = api_requests(org)[-1]
    assert (request.method, request.path) == (
        "PATCH",
        "/services/data/v62.0/composite/sobjects/Lead/External_Id__c",
    )


def test_it_refuses_an_object_name_that_is_not_a_name(client, calls):
    for bad in ("Lead/../limits", "Lead?x=1", ""):
        with pytest.raises(ValueError, match="not an object name"):
            client.create(bad, [lead(1)])
    assert calls == []


def test_it_deletes_records_and_reports_deleted_ones(client, org):
    first, second = (r.id for r in client.create("Lead", [lead(1), lead(2)]))
    client.delete([second])

    results = client.delete([first, second])

    assert [r.success for r in results] == [True, False]
    assert org.record("Lead", first)["IsDeleted"] is True
    assert results[1].error.error_code == "ENTITY_IS_DELETED"
    assert results[1].error.kind is ErrorKind.PERMANENT


def test_it_deletes_with_ids_in_the_query_and_all_or_none_false(client, org, calls):
    record_id = client.create("Lead", [lead(1)])[0].id

    client.delete([record_id])

    assert calls[-1].method == "DELETE"
    assert calls[-1].query == f"ids={record_id}&allOrNone=false"


def test_it_fails_a_malformed_id_alone_without_sending_it(client, org, calls):
    good = client.create("Lead", [lead(1)])[0].id

    results = client.delete(["x,001000000000001", good])

    assert [r.success for r in results] == [False, True]
    assert results[0].error.error_code == "MALFORMED_ID"
    assert results[0].error.kind is ErrorKind.PERMANENT
    assert calls[-1].query == f"ids={good}&allOrNone=false"


def test_it_splits_deletes_into_calls_of_200(client, org, calls):
    created = client.create("Lead", [lead(n) for n in range(250)])

    results = client.delete([r.id for r in created])

    assert all(r.success for r in results) and len(results) == 250
    assert [c.query.count(",") + 1 for c in calls if c.method == "DELETE"] == [200, 50]
    assert org.records("Lead") == []
