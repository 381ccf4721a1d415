from email.utils import formatdate

from salesforce_emulator import Emulator

from .conftest import Api

FIELD_KEYS = {
    "type",
    "length",
    "nillable",
    "createable",
    "updateable",
    "filterable",
    "sortable",
    "externalId",
    "idLookup",
    "unique",
    "caseSensitive",
    "defaultedOnCreate",
    "defaultValue",
    "picklistValues",
    "restrictedPicklist",
    "referenceTo",
    "relationshipName",
    "custom",
    "calculated",
    "autoNumber",
    "soapType",
    "label",
    "name",
}


def _fields(api: Api, object_name: str) -> dict:
    return {f["name"]: f for f in api.get(f"/sobjects/{object_name}/describe").json()["fields"]}


def test_it_lists_every_object_in_the_global_describe(api: Api):
    body = api.get("/sobjects").json()
    names = {o["name"] for o in body["sobjects"]}
    assert {
        "Lead",
        "Contact",
        "Account",
        "Opportunity",
        "Case",
        "User",
        "RecordType",
        "Subscription__c",
    } <= names
    lead = next(o for o in body["sobjects"] if o["name"] == "Lead")
    assert lead["keyPrefix"] == "00Q"
    assert lead["urls"]["describe"] == "/services/data/v60.0/sobjects/Lead/describe"


def test_it_describes_every_field_with_the_keys_clients_read(api: Api):
    for field in _fields(api, "Contact").values():
        assert set(field) >= FIELD_KEYS, field["name"]


def test_it_describes_required_and_defaulted_fields_as_salesforce_does(api: Api):
    fields = _fields(api, "Lead")
    assert (fields["LastName"]["nillable"], fields["LastName"]["defaultedOnCreate"]) == (False, False)
    assert fields["Status"]["defaultedOnCreate"] is True
    assert [p["value"] for p in fields["Status"]["picklistValues"] if p["defaultValue"]] == [
        "Open - Not Contacted"
    ]
    assert fields["Description"]["filterable"] is False
    assert fields["Email"]["idLookup"] is True


def test_it_describes_lookups(api: Api):
    field = _fields(api, "Contact")["AccountId"]
    assert (field["type"], field["referenceTo"], field["relationshipName"]) == (
        "reference",
        ["Account"],
        "Account",
    )
    assert field["soapType"] == "tns:ID"


def test_it_describes_the_master_record_type(api: Api):
    infos = api.get("/sobjects/Account/describe").json()["recordTypeInfos"]
    assert infos[0]["master"] is True and infos[0]["recordTypeId"] == "012000000000000AAA"


def test_it_answers_304_when_the_schema_has_not_changed(api: Api):
    response = api.get("/sobjects/Account/describe", headers={"If-Modified-Since": formatdate(usegmt=True)})
    assert response.status_code == 304


def test_it_describes_person_account_fields_when_enabled(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.person_accounts = True
    salesforce_emulator.reset()
    api = Api(api.instance_url, salesforce_emulator.org("production").mint_tokens()["access_token"])
    body = api.get("/sobjects/Account/describe").json()
    names = {f["name"] for f in body["fields"]}
    assert {"IsPersonAccount", "PersonContactId", "FirstName", "LastName", "PersonEmail"} <= names
    assert "PersonAccount" in [rt["developerName"] for rt in body["recordTypeInfos"]]
