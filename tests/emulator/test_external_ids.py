"""External ids: unique only when the field says so, and one key per upsert request.

Contact has two external-id fields: External_Id__c (marked unique) and
Legacy_Id__c (not unique), as describe says.
"""

from __future__ import annotations

import pytest

from .conftest import Api, bulk_result, bulk_run

V = "/services/data/v60.0"


def _contact(record_id: str) -> str:
    return f"{V}/sobjects/Contact/{record_id}"


def test_describe_gives_each_external_id_its_own_unique_flag(api: Api):
    fields = {f["name"]: f for f in api.get("/sobjects/Contact/describe").json()["fields"]}
    assert (fields["External_Id__c"]["externalId"], fields["External_Id__c"]["unique"]) == (True, True)
    assert (fields["Legacy_Id__c"]["externalId"], fields["Legacy_Id__c"]["unique"]) == (True, False)


def test_it_accepts_a_second_record_with_the_same_value_of_a_non_unique_external_id(api: Api, org):
    first = api.create("Contact", LastName="A", Legacy_Id__c="L-1")
    second = api.create("Contact", LastName="B", Legacy_Id__c="L-1")
    assert {r["Id"] for r in org.records("Contact")} == {first, second}


def test_a_unique_external_id_keeps_refusing_a_second_record(api: Api, org):
    first = api.create("Contact", LastName="A", External_Id__c="E-1")
    response = api.post("/sobjects/Contact", json={"LastName": "B", "External_Id__c": "E-1"})
    assert response.status_code == 400
    [error] = response.json()
    assert error["errorCode"] == "DUPLICATE_VALUE"
    assert first in error["message"]
    assert len(org.records("Contact")) == 1


@pytest.mark.parametrize("method", ["patch", "get"])
def test_an_upsert_or_a_get_by_a_value_two_records_share_answers_300_with_their_urls(api: Api, org, method):
    first = api.create("Contact", LastName="A", Legacy_Id__c="L-1")
    second = api.create("Contact", LastName="B", Legacy_Id__c="l-1")

    kwargs = {"json": {"LastName": "Changed"}} if method == "patch" else {}
    response = getattr(api, method)("/sobjects/Contact/Legacy_Id__c/L-1", **kwargs)

    assert response.status_code == 300
    assert sorted(response.json()) == sorted([_contact(first), _contact(second)])
    assert sorted(r["LastName"] for r in org.records("Contact")) == ["A", "B"]


def test_an_upsert_by_a_value_one_record_has_updates_it(api: Api, org):
    only = api.create("Contact", LastName="A", Legacy_Id__c="L-1")
    response = api.patch("/sobjects/Contact/Legacy_Id__c/L-1", json={"LastName": "Changed"})
    assert (response.status_code, response.json()["id"]) == (200, only)


@pytest.mark.parametrize("key_field", ["External_Id__c", "Legacy_Id__c"])
def test_a_collections_upsert_fails_each_record_sharing_a_key_and_writes_the_others(api: Api, org, key_field):
    records = [
        {"attributes": {"type": "Contact"}, key_field: "K-1", "LastName": "First"},
        {"attributes": {"type": "Contact"}, key_field: "K-2", "LastName": "Alone"},
        {"attributes": {"type": "Contact"}, key_field: "k-1", "LastName": "Second"},
    ]

    results = api.patch(f"/composite/sobjects/Contact/{key_field}", json={"records": records}).json()

    duplicate = {"statusCode": "DUPLICATE_EXTERNAL_ID", "message": "Duplicate external id specified: K-1"}
    assert results[0]["success"] is False and results[0]["errors"][0].items() >= duplicate.items()
    assert results[2]["success"] is False
    assert results[2]["errors"][0]["message"] == "Duplicate external id specified: k-1"
    assert results[1]["success"] is True and results[1]["created"] is True
    assert [r["LastName"] for r in org.records("Contact")] == ["Alone"]


def test_a_collections_upsert_with_all_or_none_fails_whole_on_a_shared_key(api: Api, org):
    records = [
        {"attributes": {"type": "Contact"}, "External_Id__c": "K-1", "LastName": "First"},
        {"attributes": {"type": "Contact"}, "External_Id__c": "K-1", "LastName": "Second"},
        {"attributes": {"type": "Contact"}, "External_Id__c": "K-2", "LastName": "Alone"},
    ]

    results = api.patch(
        "/composite/sobjects/Contact/External_Id__c", json={"records": records, "allOrNone": True}
    ).json()

    assert [r["success"] for r in results] == [False, False, False]
    assert results[0]["errors"][0]["statusCode"] == "DUPLICATE_EXTERNAL_ID"
    assert org.records("Contact") == []


def test_a_bulk_upsert_fails_each_row_sharing_a_key_and_writes_the_others(api: Api, org):
    info = bulk_run(
        api,
        "Contact",
        "upsert",
        "External_Id__c,LastName\nE-1,First\nE-2,Alone\nE-1,Second\n",
        externalIdFieldName="External_Id__c",
    )

    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (3, 2)
    failed = bulk_result(api, info, "failedResults").splitlines()[1:]
    assert len(failed) == 2
    assert all("DUPLICATE_EXTERNAL_ID" in line and "E-1" in line for line in failed)
    assert [r["LastName"] for r in org.records("Contact")] == ["Alone"]
