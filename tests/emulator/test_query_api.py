import re

from salesforce_emulator.orgs import Org

from .conftest import Api


def _seed_leads(org: Org, count: int) -> None:
    lead = org.schema.get("Lead")
    assert lead is not None
    for number in range(count):
        org.writer.create(lead, {"LastName": f"L{number:05d}", "Company": "Acme"})


def test_it_answers_rows_with_attributes_and_total_size(api: Api):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme", Email="doe@example.com")
    body = api.get(
        "/query", params={"q": "SELECT Id, LastName FROM Lead WHERE Email = 'doe@example.com'"}
    ).json()
    assert body == {
        "totalSize": 1,
        "done": True,
        "records": [
            {
                "attributes": {"type": "Lead", "url": f"/services/data/v60.0/sobjects/Lead/{lead_id}"},
                "Id": lead_id,
                "LastName": "Doe",
            }
        ],
    }


def test_it_pages_with_next_records_url(api: Api, org):
    _seed_leads(org, 2500)
    first = api.get("/query", params={"q": "SELECT Id, LastName FROM Lead ORDER BY LastName"}).json()
    assert (first["totalSize"], first["done"], len(first["records"])) == (2500, False, 2000)
    assert re.fullmatch(r"/services/data/v60\.0/query/01g\w{15}-2000", first["nextRecordsUrl"])
    second = api.session.get(api.instance_url + first["nextRecordsUrl"]).json()
    assert (second["totalSize"], second["done"], len(second["records"])) == (2500, True, 500)
    assert "nextRecordsUrl" not in second
    assert second["records"][-1]["LastName"] == "L02499"


def test_it_takes_the_batch_size_header_as_a_hint(api: Api, org):
    _seed_leads(org, 450)
    headers = {"Sforce-Query-Options": "batchSize=200"}
    body = api.get("/query", params={"q": "SELECT Id FROM Lead"}, headers=headers).json()
    assert len(body["records"]) == 200


def test_it_refuses_an_unknown_query_locator(api: Api):
    response = api.get("/query/01g5g0000000001AAA-2000")
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_it_answers_malformed_query_with_the_caret_block(api: Api):
    response = api.get("/query", params={"q": "SELECT Id FROM Lead WHERE"})
    assert response.status_code == 400
    body = response.json()
    assert len(body) == 1 and set(body[0]) == {"message", "errorCode"}
    assert body[0]["errorCode"] == "MALFORMED_QUERY"
    assert "ERROR at Row:1:Column:" in body[0]["message"]


def test_it_requires_a_query_string(api: Api):
    response = api.get("/query")
    assert response.json() == [
        {"message": "A query string has to be specified", "errorCode": "MALFORMED_QUERY"}
    ]


def test_it_refuses_a_filter_on_a_long_text_area(api: Api):
    response = api.get("/query", params={"q": "SELECT Id FROM Lead WHERE Description = 'x'"})
    assert response.status_code == 400
    error = response.json()[0]
    assert error["errorCode"] == "INVALID_FIELD"
    assert "field 'Description' can not be filtered in query call" in error["message"]


def test_it_refuses_an_unknown_object(api: Api):
    response = api.get("/query", params={"q": "SELECT Id FROM Foo__c"})
    assert response.json()[0]["errorCode"] == "INVALID_TYPE"


def test_it_shows_deleted_records_only_to_query_all(api: Api):
    lead_id = api.create("Lead", LastName="Gone", Company="Acme")
    api.delete(f"/sobjects/Lead/{lead_id}")
    q = {"q": "SELECT Id, IsDeleted FROM Lead WHERE LastName = 'Gone'"}
    assert api.get("/query", params=q).json()["totalSize"] == 0
    body = api.get("/queryAll", params=q).json()
    assert body["records"][0]["Id"] == lead_id
    assert body["records"][0]["IsDeleted"] is True


def test_it_counts_with_count(api: Api):
    api.create("Lead", LastName="A", Company="Acme")
    api.create("Lead", LastName="B", Company="Acme")
    body = api.get("/query", params={"q": "SELECT COUNT() FROM Lead"}).json()
    assert body == {"totalSize": 2, "done": True, "records": []}


def test_it_nests_parent_fields_with_their_attributes(api: Api):
    account_id = api.create("Account", Name="Parent Co")
    api.create("Contact", LastName="Kid", AccountId=account_id)
    api.create("Contact", LastName="Orphan")
    q = "SELECT LastName, Account.Name FROM Contact ORDER BY LastName"
    records = api.get("/query", params={"q": q}).json()["records"]
    assert records[0]["Account"] == {
        "attributes": {"type": "Account", "url": f"/services/data/v60.0/sobjects/Account/{account_id}"},
        "Name": "Parent Co",
    }
    assert records[1]["Account"] is None


def test_it_matches_escaped_quotes_backslashes_and_unicode(api: Api):
    api.create("Contact", LastName="O'Brien \\ Ünïcode ✓")
    q = "SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien \\\\ \\u00dcnïcode ✓'"
    assert api.get("/query", params={"q": q}).json()["totalSize"] == 1


def test_it_refuses_an_unescaped_injection_attempt(api: Api):
    api.create("Contact", LastName="Doe", Email="doe@example.com")
    value = "x' OR '1'='1"
    # Building the query by concatenation is the attack under test.
    unescaped = api.get("/query", params={"q": "SELECT Id FROM Contact WHERE Email = '" + value + "'"})  # noqa: S608
    assert unescaped.status_code == 400
    assert unescaped.json()[0]["errorCode"] == "MALFORMED_QUERY"
    quoted = value.replace("\\", "\\\\").replace("'", "\\'")
    escaped = api.get("/query", params={"q": "SELECT Id FROM Contact WHERE Email = '" + quoted + "'"})  # noqa: S608
    assert escaped.json()["totalSize"] == 0


def test_it_counts_one_api_request_per_page(api: Api, org):
    _seed_leads(org, 2001)
    first = api.get("/query", params={"q": "SELECT Id FROM Lead"}).json()
    api.session.get(api.instance_url + first["nextRecordsUrl"])
    assert org.limits.used == 2
