"""Person Accounts switched on in one org through the control API."""

from __future__ import annotations

import requests

from salesforce_emulator import Emulator
from salesforce_emulator.control_guard import TOKEN_HEADER

from .conftest import Api


def _features(emulator: Emulator, org: str, body: dict[str, object]) -> requests.Response:
    return requests.patch(
        f"{emulator.urls['control']}/orgs/{org}/features",
        json=body,
        headers={TOKEN_HEADER: emulator.control_token},
        timeout=5,
    )


def _person_type_id(api: Api) -> str:
    infos = api.get("/sobjects/Account/describe").json()["recordTypeInfos"]
    (person,) = [i["recordTypeId"] for i in infos if i["developerName"] == "PersonAccount"]
    return str(person)


def test_it_enables_person_accounts_in_one_org_keeping_its_records_and_tokens(
    salesforce_emulator: Emulator, api: Api
):
    business = api.create("Account", Name="Acme")
    answer = _features(salesforce_emulator, "production", {"person_accounts": True})
    assert answer.json() == {"person_accounts": True}
    # The same token still works and the business account is still there.
    assert api.get(f"/sobjects/Account/{business}").json()["Name"] == "Acme"
    sandbox = salesforce_emulator.org("sandbox")
    sandbox_api = Api(sandbox.instance_url, sandbox.mint_tokens()["access_token"])
    sandbox_fields = {f["name"] for f in sandbox_api.get("/sobjects/Account/describe").json()["fields"]}
    assert "PersonEmail" not in sandbox_fields


def test_it_describes_the_person_fields_with_their_flags(salesforce_emulator: Emulator, api: Api):
    _features(salesforce_emulator, "production", {"person_accounts": True})
    fields = {f["name"]: f for f in api.get("/sobjects/Account/describe").json()["fields"]}
    flags = ("createable", "updateable", "filterable")
    assert [fields["PersonEmail"][k] for k in flags] == [True, True, True]
    assert [fields["PersonMobilePhone"][k] for k in flags] == [True, True, True]
    assert [fields["LastName"][k] for k in flags] == [True, True, True]
    assert [fields["IsPersonAccount"][k] for k in flags] == [False, False, True]
    assert [fields["PersonContactId"][k] for k in flags] == [False, False, True]
    assert fields["FirstName"]["compoundFieldName"] == "Name"


def test_it_lists_the_person_record_type_as_a_person_type(salesforce_emulator: Emulator, api: Api):
    _features(salesforce_emulator, "production", {"person_accounts": True})
    person_type = _person_type_id(api)
    soql = "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"
    rows = api.get("/query", params={"q": soql}).json()["records"]
    assert [r["Id"] for r in rows] == [person_type]


def test_it_creates_a_person_account_from_last_name_and_derives_its_name(
    salesforce_emulator: Emulator, api: Api
):
    _features(salesforce_emulator, "production", {"person_accounts": True})
    person_type = _person_type_id(api)
    missing = api.post("/sobjects/Account", json={"RecordTypeId": person_type, "FirstName": "Ann"})
    assert missing.status_code == 400
    assert missing.json()[0]["fields"] == ["LastName"]
    created = api.create("Account", RecordTypeId=person_type, FirstName="Ann", LastName="Lee")
    record = api.get(f"/sobjects/Account/{created}").json()
    assert (record["Name"], record["IsPersonAccount"]) == ("Ann Lee", True)


def test_it_still_needs_a_name_for_a_business_account_in_a_person_account_org(
    salesforce_emulator: Emulator, api: Api
):
    _features(salesforce_emulator, "production", {"person_accounts": True})
    answer = api.post("/sobjects/Account", json={"Phone": "555"})
    assert answer.status_code == 400
    assert answer.json()[0]["fields"] == ["Name"]
    business = api.create("Account", Name="Acme")
    assert api.get(f"/sobjects/Account/{business}").json()["IsPersonAccount"] is False


def test_it_refuses_to_turn_person_accounts_off_until_a_reset(salesforce_emulator: Emulator):
    _features(salesforce_emulator, "production", {"person_accounts": True})
    refused = _features(salesforce_emulator, "production", {"person_accounts": False})
    assert refused.status_code == 409
    salesforce_emulator.reset()
    assert salesforce_emulator.org("production").person_accounts is False


def test_it_refuses_an_unknown_feature(salesforce_emulator: Emulator):
    answer = _features(salesforce_emulator, "production", {"territories": True})
    assert answer.status_code == 400
    assert salesforce_emulator.org("production").person_accounts is False
