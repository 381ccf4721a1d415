import re

import requests

from salesforce_emulator.ids import to_18

from .conftest import Api

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")


def test_it_creates_a_record_with_201(api: Api):
    response = api.post("/sobjects/Lead/", json={"LastName": "Doe", "Company": "Acme"})
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["errors"] == []
    assert body["id"].startswith("00Q") and len(body["id"]) == 18


def test_it_fills_system_fields_and_defaults_on_create(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", FirstName="Jane", Company="Acme")
    record = org.record("Lead", lead_id)
    assert record["Status"] == "Open - Not Contacted"
    assert record["Name"] == "Jane Doe"
    assert record["IsDeleted"] is False and record["IsConverted"] is False
    assert record["OwnerId"] == record["CreatedById"] == org.user_id
    for name in ("CreatedDate", "LastModifiedDate", "SystemModstamp"):
        assert DATETIME.match(record[name]), record[name]


def test_it_retrieves_every_field_with_nulls_for_unset_ones(api: Api):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    body = api.get(f"/sobjects/Lead/{lead_id}").json()
    assert body["attributes"] == {"type": "Lead", "url": f"/services/data/v60.0/sobjects/Lead/{lead_id}"}
    assert body["Id"] == lead_id
    assert body["City"] is None
    assert "External_Id__c" in body


def test_it_retrieves_only_the_requested_fields(api: Api):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    body = api.get(f"/sobjects/Lead/{lead_id}", params={"fields": "LastName,Company"}).json()
    assert set(body) == {"attributes", "LastName", "Company", "Id"}


def test_it_retrieves_by_a_15_character_id_and_answers_with_18(api: Api):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    body = api.get(f"/sobjects/Lead/{lead_id[:15]}").json()
    assert body["Id"] == lead_id


def test_it_answers_404_not_found_for_an_unknown_id(api: Api):
    response = api.get(f"/sobjects/Lead/{to_18('00Q5g00000ZZZZZ')}")
    assert response.status_code == 404
    assert response.json() == [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


def test_it_reads_a_non_id_segment_as_an_external_id_field(api: Api):
    response = api.get("/sobjects/Lead/not-an-id")
    assert response.status_code == 404
    assert response.json()[0]["message"] == (
        "Provided external ID field does not exist or is not accessible: not-an-id"
    )


def test_it_updates_with_204_and_an_empty_body(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme", City="Paris")
    response = api.patch(f"/sobjects/Lead/{lead_id}", json={"City": "Lyon", "FirstName": "Ann"})
    assert (response.status_code, response.content) == (204, b"")
    record = org.record("Lead", lead_id)
    assert (record["City"], record["Company"], record["Name"]) == ("Lyon", "Acme", "Ann Doe")


def test_it_clears_a_field_set_to_null(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme", City="Paris")
    api.patch(f"/sobjects/Lead/{lead_id}", json={"City": None})
    assert "City" not in org.record("Lead", lead_id)


def test_it_accepts_the_post_override_for_patch(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    response = api.post(f"/sobjects/Lead/{lead_id}", params={"_HttpMethod": "PATCH"}, json={"City": "Oslo"})
    assert response.status_code == 204
    assert org.record("Lead", lead_id)["City"] == "Oslo"


def test_it_deletes_with_204_and_then_answers_entity_is_deleted(api: Api):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    response = api.delete(f"/sobjects/Lead/{lead_id}")
    assert (response.status_code, response.content) == (204, b"")
    again = api.delete(f"/sobjects/Lead/{lead_id}")
    assert again.status_code == 404
    assert again.json() == [{"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}]
    assert api.get(f"/sobjects/Lead/{lead_id}").json()[0]["errorCode"] == "ENTITY_IS_DELETED"
    assert api.patch(f"/sobjects/Lead/{lead_id}", json={"City": "X"}).status_code == 404


def test_it_keeps_a_deleted_record_in_the_recycle_bin(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    api.delete(f"/sobjects/Lead/{lead_id}")
    assert org.records("Lead") == []
    assert org.records("Lead", include_deleted=True)[0]["IsDeleted"] is True


def test_it_creates_with_a_post_to_the_id_path(api: Api):
    response = api.post("/sobjects/Contact/Id", json={"LastName": "Doe"})
    assert response.status_code == 201


def test_it_answers_404_for_an_unknown_object_in_the_url(api: Api):
    response = api.post("/sobjects/Foo__c", json={"Name": "x"})
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


def test_it_answers_405_for_a_method_the_resource_does_not_allow(api: Api):
    response = api.patch("/sobjects/Lead", json={})
    assert response.status_code == 405
    assert response.json() == [
        {
            "message": "HTTP Method 'PATCH' not allowed. Allowed are GET,HEAD,POST",
            "errorCode": "METHOD_NOT_ALLOWED",
        }
    ]


def test_it_answers_415_for_a_form_encoded_body(api: Api):
    response = api.post("/sobjects/Lead", data={"LastName": "Doe"})
    assert response.status_code == 415
    assert response.json()[0]["errorCode"] == "UNSUPPORTED_MEDIA_TYPE"


def test_it_answers_json_parser_error_for_malformed_json(api: Api):
    response = api.post("/sobjects/Lead", data="{LastName: 1}", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()[0]
    assert error["errorCode"] == "JSON_PARSER_ERROR"
    assert "[line:1, column:2]" in error["message"]


def test_it_sets_a_lookup_and_stores_it_as_an_18_character_id(api: Api, org):
    account_id = api.create("Account", Name="Acme")
    contact_id = api.create("Contact", LastName="Doe", AccountId=account_id[:15])
    assert org.record("Contact", contact_id)["AccountId"] == account_id


def test_it_writes_the_custom_object(api: Api, org):
    account_id = api.create("Account", Name="Acme")
    record_id = api.create(
        "Subscription__c",
        Account__c=account_id,
        Plan__c="Pro",
        Seats__c=5,
        Active__c=True,
        Renewal_Date__c="2025-01-31",
        Subscription_Key__c="SUB-1",
    )
    record = org.record("Subscription__c", record_id)
    assert record["Name"] == record_id
    assert record["Seats__c"] == 5.0


def test_it_keeps_the_two_orgs_data_apart(api: Api, salesforce_emulator):
    api.create("Lead", LastName="Doe", Company="Acme")
    assert salesforce_emulator.org("sandbox").records("Lead") == []


def test_it_answers_head_like_get_without_a_body(api: Api):
    response = api.session.head(api.url("/sobjects"))
    assert response.status_code == 200
    assert response.content == b""


def test_it_serves_the_records_page_on_the_instance_host(api: Api):
    api.create("Lead", LastName="Visible", Company="Acme")
    page = requests.get(api.instance_url + "/", params={"object": "Lead"}, timeout=5)
    assert page.status_code == 200
    assert "Visible" in page.text
