from salesforce_emulator import Emulator
from salesforce_emulator.ids import to_18

from .conftest import Api


def _error(response) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert len(body) == 1
    return body[0]


def test_it_refuses_an_unknown_field(api: Api):
    error = _error(api.post("/sobjects/Account", json={"Name": "A", "Foo": 1}))
    assert error == {
        "message": "No such column 'Foo' on sobject of type Account",
        "errorCode": "INVALID_FIELD",
    }


def test_it_refuses_an_id_in_a_create_body(api: Api):
    error = _error(api.post("/sobjects/Account", json={"Name": "A", "Id": "001000000000000AAA"}))
    assert error["errorCode"] == "INVALID_FIELD"
    assert error["message"] == "The Id field should not be specified in the sobject data."


def test_it_refuses_a_read_only_field(api: Api):
    error = _error(api.post("/sobjects/Account", json={"Name": "A", "CreatedDate": "2024-01-01T00:00:00Z"}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error["message"].startswith(
        "Unable to create/update fields: CreatedDate. Please check the security"
    )
    assert error["fields"] == ["CreatedDate"]


def test_it_lists_every_missing_required_field(api: Api):
    error = _error(api.post("/sobjects/Lead", json={"FirstName": "Ann"}))
    assert error == {
        "message": "Required fields are missing: [LastName, Company]",
        "errorCode": "REQUIRED_FIELD_MISSING",
        "fields": ["LastName", "Company"],
    }


def test_it_refuses_clearing_a_required_field_on_update(api: Api):
    account_id = api.create("Account", Name="A")
    error = _error(api.patch(f"/sobjects/Account/{account_id}", json={"Name": None}))
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert error["fields"] == ["Name"]


def test_it_refuses_a_string_that_is_too_long(api: Api):
    value = "x" * 81
    error = _error(api.post("/sobjects/Contact", json={"LastName": value}))
    assert error == {
        "message": f"Last Name: data value too large: {value} (max length=80)",
        "errorCode": "STRING_TOO_LONG",
        "fields": ["LastName"],
    }


def test_it_refuses_a_bad_email(api: Api):
    error = _error(api.post("/sobjects/Contact", json={"LastName": "Doe", "Email": "not-an-email"}))
    assert error == {
        "message": "Email: invalid email address: not-an-email",
        "errorCode": "INVALID_EMAIL_ADDRESS",
        "fields": ["Email"],
    }


def test_it_refuses_a_value_of_the_wrong_json_type(api: Api):
    error = _error(api.post("/sobjects/Opportunity", data='{"Name": "O", "Amount": "lots"}'))
    assert error["errorCode"] == "JSON_PARSER_ERROR"
    assert error["message"] == (
        "Cannot deserialize instance of double from VALUE_STRING value lots "
        "or request may be missing a required field at [line:1, column:31]"
    )
    assert "fields" not in error


def test_it_accepts_a_numeric_string_for_a_number_unless_told_not_to(api: Api, salesforce_emulator: Emulator):
    assert api.post("/sobjects/Account", json={"Name": "A", "NumberOfEmployees": "12"}).status_code == 201
    salesforce_emulator.config.rest_numeric_strings = False
    error = _error(api.post("/sobjects/Account", json={"Name": "A", "NumberOfEmployees": "12"}))
    assert error["errorCode"] == "JSON_PARSER_ERROR"


def test_it_refuses_a_value_outside_a_restricted_picklist(api: Api):
    error = _error(api.post("/sobjects/Subscription__c", json={"Plan__c": "Gold"}))
    assert error == {
        "message": "Plan: bad value for restricted picklist field: Gold",
        "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "fields": ["Plan__c"],
    }


def test_it_accepts_any_value_in_an_unrestricted_picklist(api: Api):
    assert (
        api.post("/sobjects/Lead", json={"LastName": "D", "Company": "C", "LeadSource": "Fair"}).status_code
        == 201
    )


def test_it_refuses_a_lookup_to_a_missing_record(api: Api):
    missing = to_18("0015g00000ZZZZZ")
    error = _error(api.post("/sobjects/Contact", json={"LastName": "Doe", "AccountId": missing}))
    assert (error["errorCode"], error["message"]) == (
        "INVALID_CROSS_REFERENCE_KEY",
        "invalid cross reference id",
    )


def test_it_refuses_a_lookup_to_a_record_of_another_object(api: Api):
    lead_id = api.create("Lead", LastName="D", Company="C")
    error = _error(api.post("/sobjects/Contact", json={"LastName": "Doe", "AccountId": lead_id}))
    assert error == {
        "message": f"Account ID: id value of incorrect type: {lead_id}",
        "errorCode": "FIELD_INTEGRITY_EXCEPTION",
        "fields": ["AccountId"],
    }


def test_it_refuses_a_malformed_lookup_id(api: Api):
    error = _error(api.post("/sobjects/Contact", json={"LastName": "Doe", "AccountId": "abc"}))
    assert error["errorCode"] == "MALFORMED_ID"
    assert error["fields"] == ["AccountId"]


def test_it_refuses_a_duplicate_external_id(api: Api):
    first = api.create("Account", Name="A", External_Id__c="X-1")
    error = _error(api.post("/sobjects/Account", json={"Name": "B", "External_Id__c": "x-1"}))
    assert error["errorCode"] == "DUPLICATE_VALUE"
    assert (
        error["message"]
        == f"duplicate value found: External_Id__c duplicates value on record with id: {first}"
    )


def test_it_allows_the_same_value_in_a_field_that_is_not_unique(api: Api):
    api.create("Account", Name="A", Member_Number__c="M-1")
    assert api.post("/sobjects/Account", json={"Name": "B", "Member_Number__c": "M-1"}).status_code == 201


def test_it_applies_an_injected_validation_rule(api: Api, org):
    org.add_validation_rule(
        "Lead",
        "Company cannot be Test",
        error_field="Company",
        condition={"field": "Company", "op": "equals", "value": "test"},
    )
    error = _error(api.post("/sobjects/Lead", json={"LastName": "D", "Company": "Test"}))
    assert error == {
        "message": "Company cannot be Test",
        "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "fields": ["Company"],
    }
    assert api.post("/sobjects/Lead", json={"LastName": "D", "Company": "Real"}).status_code == 201


def test_it_applies_an_injected_duplicate_rule(api: Api, org):
    org.add_duplicate_rule("Contact", ["Email"])
    api.create("Contact", LastName="A", Email="ann@example.com")
    error = _error(api.post("/sobjects/Contact", json={"LastName": "B", "Email": "ANN@example.com"}))
    assert (error["errorCode"], error["message"]) == ("DUPLICATES_DETECTED", "Use one of these records?")


def test_it_refuses_a_person_account_field_on_a_business_account(salesforce_emulator: Emulator):
    salesforce_emulator.config.person_accounts = True
    salesforce_emulator.reset()
    org = salesforce_emulator.org("production")
    api = Api(org.instance_url, org.mint_tokens()["access_token"])
    error = _error(api.post("/sobjects/Account", json={"Name": "Acme", "PersonEmail": "a@example.com"}))
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error["fields"] == ["PersonEmail"]


def test_it_creates_a_person_account_with_a_compound_name(salesforce_emulator: Emulator):
    salesforce_emulator.config.person_accounts = True
    salesforce_emulator.reset()
    org = salesforce_emulator.org("production")
    api = Api(org.instance_url, org.mint_tokens()["access_token"])
    person_type = org.schema.get("Account").record_types[1].record_type_id  # type: ignore[union-attr]
    fields = {
        "RecordTypeId": person_type,
        "FirstName": "Ann",
        "LastName": "Lee",
        "PersonEmail": "ann@example.com",
    }
    account_id = api.create("Account", **fields)
    record = org.record("Account", account_id)
    assert record is not None
    assert (record["Name"], record["IsPersonAccount"]) == ("Ann Lee", True)
    contact = org.record("Contact", record["PersonContactId"])
    assert contact is not None
    assert (contact["Email"], contact["AccountId"]) == ("ann@example.com", account_id)
    name_error = _error(
        api.post("/sobjects/Account", json={"RecordTypeId": person_type, "LastName": "X", "Name": "X"})
    )
    assert name_error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    missing = _error(api.post("/sobjects/Account", json={"RecordTypeId": person_type, "FirstName": "X"}))
    assert missing["fields"] == ["LastName"]
