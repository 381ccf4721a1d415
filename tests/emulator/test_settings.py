"""The settings for behaviour the API contract marks unverified: each one switches."""

from salesforce_emulator import Emulator

from .conftest import (
    Api,
    approve,
    bulk_close,
    bulk_create,
    bulk_upload,
    bulk_wait,
    callback_query,
    exchange,
    pkce_pair,
    refresh,
)


def test_it_can_answer_a_pkce_mismatch_with_invalid_grant(salesforce_emulator: Emulator):
    salesforce_emulator.config.pkce_mismatch_error = "invalid_grant"
    _, challenge = pkce_pair()
    code = callback_query(approve(salesforce_emulator, code_challenge=challenge))["code"]
    assert exchange(salesforce_emulator, code, code_verifier="b" * 50).json()["error"] == "invalid_grant"


def test_it_can_honour_a_plain_code_challenge(salesforce_emulator: Emulator):
    salesforce_emulator.config.ignore_code_challenge_method = False
    verifier = "v" * 50
    code = callback_query(
        approve(salesforce_emulator, code_challenge=verifier, code_challenge_method="plain")
    )["code"]
    assert exchange(salesforce_emulator, code, code_verifier=verifier).status_code == 200


def test_it_can_let_any_login_host_refresh_any_orgs_token(salesforce_emulator: Emulator):
    salesforce_emulator.config.enforce_login_host_kind = False
    tokens = salesforce_emulator.org("sandbox").mint_tokens()
    assert refresh(salesforce_emulator, tokens["refresh_token"], "production").status_code == 200


def test_it_can_answer_invalid_type_for_an_unknown_object_in_the_url(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.unknown_sobject_error = "INVALID_TYPE"
    response = api.get("/sobjects/Foo__c/describe")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "INVALID_TYPE"


def test_it_can_answer_invalid_cross_reference_for_a_lookup_of_another_object(
    api: Api, salesforce_emulator: Emulator
):
    salesforce_emulator.config.wrong_object_reference_error = "INVALID_CROSS_REFERENCE_KEY"
    lead_id = api.create("Lead", LastName="D", Company="C")
    response = api.post("/sobjects/Contact", json={"LastName": "Doe", "AccountId": lead_id})
    assert response.json()[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"


def test_it_can_list_the_field_of_a_duplicate_value(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.duplicate_value_lists_field = True
    api.create("Account", Name="A", External_Id__c="X")
    response = api.post("/sobjects/Account", json={"Name": "B", "External_Id__c": "X"})
    assert response.json()[0]["fields"] == ["External_Id__c"]


def test_it_can_match_external_ids_case_sensitively(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.external_id_case_insensitive = False
    api.patch("/sobjects/Contact/External_Id__c/abc", json={"LastName": "Doe"})
    response = api.patch("/sobjects/Contact/External_Id__c/ABC", json={"LastName": "Roe"})
    # No match, so a create, which the field's case-insensitive uniqueness then refuses.
    assert response.json()[0]["errorCode"] == "DUPLICATE_VALUE"


def test_it_can_answer_201_to_a_bulk_job_creation(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.bulk_create_job_status = 201
    assert api.post("/jobs/ingest", json={"object": "Lead", "operation": "insert"}).status_code == 201


def test_it_can_reject_closing_a_bulk_job_without_data(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.bulk_close_without_data = "reject"
    job = bulk_create(api, "Lead", "insert")
    assert bulk_close(api, job).status_code == 400
    assert bulk_upload(api, job, "LastName,Company\nDoe,Acme\n").status_code == 201
    assert bulk_close(api, job).status_code == 200
    assert bulk_wait(api, job)["state"] == "JobComplete"


def test_it_can_let_a_lead_skip_company_with_person_accounts(salesforce_emulator: Emulator):
    salesforce_emulator.config.person_accounts = True
    salesforce_emulator.config.lead_company_optional_with_person_accounts = True
    salesforce_emulator.reset()
    org = salesforce_emulator.org("production")
    api = Api(org.instance_url, org.mint_tokens()["access_token"])
    assert api.post("/sobjects/Lead", json={"LastName": "Doe"}).status_code == 201
