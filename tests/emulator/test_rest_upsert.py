from salesforce_emulator import Emulator

from .conftest import Api


def test_it_creates_on_an_upsert_miss_with_201_and_created_true(api: Api, org):
    response = api.patch("/sobjects/Contact/External_Id__c/C-1", json={"LastName": "Doe"})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True and body["success"] is True and body["errors"] == []
    assert org.record("Contact", body["id"])["External_Id__c"] == "C-1"


def test_it_updates_on_an_upsert_hit_with_200_and_created_false(api: Api, org):
    first = api.patch("/sobjects/Contact/External_Id__c/C-1", json={"LastName": "Doe"}).json()
    response = api.patch("/sobjects/Contact/External_Id__c/C-1", json={"LastName": "Roe"})
    assert response.status_code == 200
    assert response.json() == {"id": first["id"], "success": True, "errors": [], "created": False}
    assert org.record("Contact", first["id"])["LastName"] == "Roe"


def test_it_answers_204_for_an_upsert_update_before_v46(org):
    api = Api(org.instance_url, org.mint_tokens()["access_token"], version="45.0")
    api.patch("/sobjects/Contact/External_Id__c/C-1", json={"LastName": "Doe"})
    response = api.patch("/sobjects/Contact/External_Id__c/C-1", json={"LastName": "Roe"})
    assert (response.status_code, response.content) == (204, b"")


def test_it_matches_external_ids_case_insensitively(api: Api):
    api.patch("/sobjects/Contact/External_Id__c/abc", json={"LastName": "Doe"})
    assert api.patch("/sobjects/Contact/External_Id__c/ABC", json={"LastName": "Roe"}).status_code == 200


def test_it_answers_300_with_the_matching_record_urls(api: Api):
    # Email is an idLookup field (so it can key an upsert) but not unique.
    first = api.create("Contact", LastName="A", Email="dup@example.com")
    second = api.create("Contact", LastName="B", Email="DUP@example.com")
    response = api.patch("/sobjects/Contact/Email/dup@example.com", json={"LastName": "C"})
    assert response.status_code == 300
    assert sorted(response.json()) == sorted(
        [f"/services/data/v60.0/sobjects/Contact/{first}", f"/services/data/v60.0/sobjects/Contact/{second}"]
    )


def test_it_answers_404_for_upsert_on_a_field_that_is_not_an_external_id(api: Api):
    response = api.patch("/sobjects/Contact/Member_Number__c/M-1", json={"LastName": "Doe"})
    assert response.status_code == 404
    assert response.json() == [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


def test_it_answers_404_for_upsert_on_a_field_that_does_not_exist(api: Api):
    response = api.patch("/sobjects/Contact/Nope__c/M-1", json={"LastName": "Doe"})
    assert response.status_code == 404
    assert "Provided external ID field does not exist" in response.json()[0]["message"]


def test_it_url_decodes_the_external_id_value(api: Api, org):
    body = api.patch("/sobjects/Contact/External_Id__c/a%2Fb%20c%3F%23%25", json={"LastName": "Doe"}).json()
    assert org.record("Contact", body["id"])["External_Id__c"] == "a/b c?#%"


def _api_v61(org) -> Api:
    # updateOnly exists from v61.0 (Summer '24).
    return Api(org.instance_url, org.mint_tokens()["access_token"], version="61.0")


def test_it_refuses_to_create_on_an_update_only_upsert(org):
    response = _api_v61(org).patch(
        "/sobjects/Contact/External_Id__c/C-9", params={"updateOnly": "true"}, json={"LastName": "X"}
    )
    assert response.status_code == 404
    assert org.records("Contact") == []


def test_it_makes_the_update_only_miss_status_a_setting(org, salesforce_emulator: Emulator):
    salesforce_emulator.config.update_only_miss_status = 400
    response = _api_v61(org).patch(
        "/sobjects/Contact/External_Id__c/C-9", params={"updateOnly": "true"}, json={"LastName": "X"}
    )
    assert response.status_code == 400


def test_it_refuses_an_id_in_an_upsert_body(api: Api):
    response = api.patch(
        "/sobjects/Contact/External_Id__c/C-1", json={"Id": "003000000000000AAA", "LastName": "X"}
    )
    assert response.status_code == 400
    assert response.json()[0]["message"] == "The Id field should not be specified in the sobject data."


def test_it_ignores_update_only_before_v61(api: Api):
    response = api.patch(
        "/sobjects/Contact/External_Id__c/C-9", params={"updateOnly": "true"}, json={"LastName": "X"}
    )
    assert response.status_code == 201


def test_it_retrieves_by_external_id(api: Api):
    api.patch("/sobjects/Contact/External_Id__c/C-1", json={"LastName": "Doe"})
    body = api.get("/sobjects/Contact/External_Id__c/C-1").json()
    assert body["LastName"] == "Doe"
    assert api.get("/sobjects/Contact/External_Id__c/C-2").status_code == 404
