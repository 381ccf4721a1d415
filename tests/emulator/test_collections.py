from .conftest import Api


def _lead(**fields):
    return {"attributes": {"type": "Lead"}, "LastName": "Doe", "Company": "Acme", **fields}


def test_it_creates_records_in_input_order(api: Api, org):
    records = [_lead(LastName="A"), {"attributes": {"type": "Contact"}, "LastName": "B"}, _lead(LastName="C")]
    response = api.post("/composite/sobjects", json={"allOrNone": False, "records": records})
    assert response.status_code == 200
    results = response.json()
    assert [r["success"] for r in results] == [True, True, True]
    assert [r["id"][:3] for r in results] == ["00Q", "003", "00Q"]
    assert [org.record("Lead", results[i]["id"])["LastName"] for i in (0, 2)] == ["A", "C"]


def test_it_reports_per_record_errors_with_status_code(api: Api, org):
    records = [_lead(LastName="Ok"), {"attributes": {"type": "Lead"}, "LastName": "NoCompany"}]
    results = api.post("/composite/sobjects", json={"records": records}).json()
    assert results[0]["success"] is True
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Company]",
                "fields": ["Company"],
            }
        ],
    }
    assert len(org.records("Lead")) == 1


def test_it_rolls_everything_back_with_all_or_none(api: Api, org):
    records = [_lead(LastName="Ok"), _lead(Email="bad"), _lead(LastName="Ok2")]
    results = api.post("/composite/sobjects", json={"allOrNone": True, "records": records}).json()
    assert [r["success"] for r in results] == [False, False, False]
    assert results[1]["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    rolled = {
        "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "message": (
            "Record rolled back because not all records were valid and the request was using AllOrNone header"
        ),
        "fields": [],
    }
    assert results[0]["errors"] == [rolled] and results[2]["errors"] == [rolled]
    assert org.records("Lead") == []


def test_it_updates_records(api: Api, org):
    first = api.create("Lead", LastName="A", Company="Acme")
    second = api.create("Lead", LastName="B", Company="Acme")
    records = [
        {"attributes": {"type": "Lead"}, "Id": first, "City": "X"},
        {"attributes": {"type": "Lead"}, "id": second, "City": "Y"},
    ]
    results = api.patch("/composite/sobjects", json={"records": records}).json()
    assert results == [
        {"id": first, "success": True, "errors": []},
        {"id": second, "success": True, "errors": []},
    ]
    assert (org.record("Lead", first)["City"], org.record("Lead", second)["City"]) == ("X", "Y")


def test_it_reports_a_deleted_record_in_an_update(api: Api):
    lead_id = api.create("Lead", LastName="A", Company="Acme")
    api.delete(f"/sobjects/Lead/{lead_id}")
    records = [{"attributes": {"type": "Lead"}, "Id": lead_id, "City": "X"}]
    result = api.patch("/composite/sobjects", json={"records": records}).json()[0]
    assert result["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_it_upserts_by_external_id(api: Api):
    existing = api.patch("/sobjects/Contact/External_Id__c/E-1", json={"LastName": "Old"}).json()["id"]
    records = [
        {"attributes": {"type": "Contact"}, "External_Id__c": "E-1", "LastName": "New"},
        {"attributes": {"type": "Contact"}, "External_Id__c": "E-2", "LastName": "Fresh"},
    ]
    results = api.patch("/composite/sobjects/Contact/External_Id__c", json={"records": records}).json()
    assert results[0] == {"id": existing, "success": True, "errors": [], "created": False}
    assert results[1]["created"] is True and results[1]["success"] is True


def test_it_refuses_an_upsert_on_a_field_that_is_not_an_external_id(api: Api):
    records = [{"attributes": {"type": "Contact"}, "LastName": "X", "Member_Number__c": "1"}]
    response = api.patch("/composite/sobjects/Contact/Member_Number__c", json={"records": records})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_it_deletes_records(api: Api, org):
    first = api.create("Lead", LastName="A", Company="Acme")
    second = api.create("Lead", LastName="B", Company="Acme")
    api.delete(f"/sobjects/Lead/{second}")
    results = api.delete(
        "/composite/sobjects", params={"ids": f"{first},{second}", "allOrNone": "false"}
    ).json()
    assert results[0] == {"id": first, "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert org.records("Lead") == []


def test_it_retrieves_records_with_null_for_missing_ones(api: Api):
    lead_id = api.create("Lead", LastName="A", Company="Acme")
    missing = "00Q5g00000ZZZZZ"
    body = api.get(
        "/composite/sobjects/Lead", params={"ids": f"{lead_id},{missing}", "fields": "LastName"}
    ).json()
    assert body[0]["LastName"] == "A" and body[0]["Id"] == lead_id
    assert body[1] is None


def test_it_refuses_more_than_200_records_with_400(api: Api):
    response = api.post("/composite/sobjects", json={"records": [_lead() for _ in range(201)]})
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_it_refuses_a_record_without_a_type_with_400(api: Api):
    response = api.post("/composite/sobjects", json={"records": [{"LastName": "X"}]})
    assert response.status_code == 400


def test_it_refuses_more_than_ten_chunks(api: Api):
    records = [_lead() if i % 2 else {"attributes": {"type": "Contact"}, "LastName": "X"} for i in range(11)]
    assert api.post("/composite/sobjects", json={"records": records}).status_code == 400


def test_it_counts_one_api_request_per_call(api: Api, org):
    api.post("/composite/sobjects", json={"records": [_lead() for _ in range(50)]})
    assert org.limits.used == 1


def test_it_locks_chosen_rows_with_a_fault(api: Api, org):
    org.faults.add("unable_to_lock_row", path="/composite/sobjects", rows=[1], count=1)
    results = api.post("/composite/sobjects", json={"records": [_lead(), _lead(), _lead()]}).json()
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"


def test_it_runs_a_minimal_composite_request_with_references(api: Api, org):
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v60.0/sobjects/Account",
                "referenceId": "acct",
                "body": {"Name": "Acme"},
            },
            {
                "method": "POST",
                "url": "/services/data/v60.0/sobjects/Contact",
                "referenceId": "c1",
                "body": {"LastName": "Doe", "AccountId": "@{acct.id}"},
            },
        ],
    }
    answers = api.post("/composite", json=body).json()["compositeResponse"]
    assert [a["httpStatusCode"] for a in answers] == [201, 201]
    contact = org.record("Contact", answers[1]["body"]["id"])
    assert contact["AccountId"] == answers[0]["body"]["id"]


def test_it_halts_a_composite_request_with_all_or_none(api: Api, org):
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v60.0/sobjects/Account",
                "referenceId": "a",
                "body": {"Name": "Acme"},
            },
            {
                "method": "POST",
                "url": "/services/data/v60.0/sobjects/Account",
                "referenceId": "b",
                "body": {},
            },
        ],
    }
    answers = api.post("/composite", json=body).json()["compositeResponse"]
    assert answers[0]["httpStatusCode"] == 400
    assert answers[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert answers[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert org.records("Account") == []
