import time

from salesforce_emulator import Emulator

from .conftest import Api, bulk_close, bulk_create, bulk_result, bulk_run, bulk_upload, bulk_wait


def test_it_creates_an_open_job_with_a_relative_content_url(api: Api, org):
    job = bulk_create(api, "Contact", "upsert", externalIdFieldName="External_Id__c")
    assert job["state"] == "Open"
    assert job["id"].startswith("750")
    assert job["contentUrl"] == f"services/data/v60.0/jobs/ingest/{job['id']}/batches"
    assert job["apiVersion"] == 60.0
    assert (job["jobType"], job["concurrencyMode"], job["contentType"]) == ("V2Ingest", "Parallel", "CSV")
    assert (job["lineEnding"], job["columnDelimiter"]) == ("LF", "COMMA")
    assert job["externalIdFieldName"] == "External_Id__c"
    assert job["createdById"] == org.user_id


def test_it_inserts_rows_and_reports_successes(api: Api, org):
    info = bulk_run(api, "Lead", "insert", "LastName,Company\nDoe,Acme\nRoe,Beta\n")
    assert (info["state"], info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (
        "JobComplete",
        2,
        0,
    )
    lines = bulk_result(api, info, "successfulResults").splitlines()
    assert lines[0] == '"sf__Id","sf__Created",LastName,Company'
    ids = [org.records("Lead")[0]["Id"], org.records("Lead")[1]["Id"]]
    assert lines[1:] == [f'"{ids[0]}","true","Doe","Acme"', f'"{ids[1]}","true","Roe","Beta"']


def test_it_moves_through_the_states_while_polled(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.bulk_processing_delay = 0.15
    job = bulk_create(api, "Lead", "insert")
    bulk_upload(api, job, "LastName,Company\nDoe,Acme\n")
    assert bulk_close(api, job).json()["state"] == "UploadComplete"
    seen: list[str] = []
    while not seen or seen[-1] not in ("JobComplete", "Failed"):
        state = api.get(f"/jobs/ingest/{job['id']}").json()["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
        time.sleep(0.01)
    assert seen == ["UploadComplete", "InProgress", "JobComplete"]


def test_it_reports_failed_rows_in_salesforces_format(api: Api):
    info = bulk_run(api, "Lead", "insert", "LastName,Company\nDoe,\n")
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (1, 1)
    lines = bulk_result(api, info, "failedResults").splitlines()
    assert lines[0] == '"sf__Id","sf__Error",LastName,Company'
    assert (
        lines[1] == '"","REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --","Doe",""'
    )


def test_it_fails_the_whole_job_on_an_unknown_column(api: Api, org):
    info = bulk_run(api, "Account", "insert", "Name,Industryy\nAcme,Tech\nBeta,Tech\n")
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Industryy"
    assert org.records("Account") == []
    assert bulk_result(api, info, "unprocessedrecords") == 'Name,Industryy\n"Acme","Tech"\n"Beta","Tech"\n'


def test_it_sets_null_for_na_and_leaves_empty_cells_unchanged(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme", City="Paris", State="IDF")
    info = bulk_run(api, "Lead", "update", f"Id,City,State\n{lead_id},#N/A,\n")
    assert info["numberRecordsFailed"] == 0
    record = org.record("Lead", lead_id)
    assert "City" not in record
    assert record["State"] == "IDF"


def test_it_reads_quoted_values_with_delimiters_quotes_and_newlines(api: Api, org):
    data = 'LastName,Company,Street\n"Doe, Jr.","The ""gold"" standard","1 Main St\nSuite 2"\n'
    info = bulk_run(api, "Lead", "insert", data)
    assert info["numberRecordsFailed"] == 0
    record = org.records("Lead")[0]
    assert (record["LastName"], record["Company"], record["Street"]) == (
        "Doe, Jr.",
        'The "gold" standard',
        "1 Main St\nSuite 2",
    )


def test_it_does_not_trim_values(api: Api, org):
    bulk_run(api, "Lead", "insert", "LastName,Company\n Doe , Acme\n")
    assert org.records("Lead")[0]["LastName"] == " Doe "


def test_it_fails_a_row_with_a_space_around_a_quoted_value(api: Api, org):
    info = bulk_run(api, "Lead", "insert", 'LastName,Company\n"Doe", "Acme"\nRoe,Beta\n')
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (2, 1)
    assert [r["LastName"] for r in org.records("Lead")] == ["Roe"]


def test_it_uses_the_declared_delimiter_and_line_ending(api: Api, org):
    data = "LastName|Company\r\nDoe|Acme, Inc.\r\n"
    info = bulk_run(api, "Lead", "insert", data, columnDelimiter="PIPE", lineEnding="CRLF")
    assert info["numberRecordsFailed"] == 0
    assert org.records("Lead")[0]["Company"] == "Acme, Inc."
    assert bulk_result(api, info, "successfulResults").startswith(
        '"sf__Id"|"sf__Created"|LastName|Company\r\n'
    )


def test_it_fails_a_file_with_another_line_ending(api: Api):
    info = bulk_run(api, "Lead", "insert", "LastName,Company\r\nDoe,Acme\r\n")
    assert info["state"] == "Failed"
    assert "LineEnding is invalid on user data" in info["errorMessage"]


def test_it_reports_a_cell_of_the_wrong_type_in_the_bulk_wording(api: Api):
    info = bulk_run(api, "Account", "insert", "Name,NumberOfEmployees\nAcme,lots\n")
    error = bulk_result(api, info, "failedResults").splitlines()[1]
    assert (
        "INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: lots:NumberOfEmployees --"
        in error
    )


def test_it_upserts_by_external_id(api: Api, org):
    existing = api.patch("/sobjects/Contact/External_Id__c/E-1", json={"LastName": "Old"}).json()["id"]
    info = bulk_run(
        api,
        "Contact",
        "upsert",
        "External_Id__c,LastName\nE-1,New\nE-2,Fresh\n",
        externalIdFieldName="External_Id__c",
    )
    lines = bulk_result(api, info, "successfulResults").splitlines()
    assert lines[1] == f'"{existing}","false","E-1","New"'
    assert lines[2].split(",")[1] == '"true"'
    assert org.record("Contact", existing)["LastName"] == "New"


def test_it_deletes_by_id(api: Api, org):
    lead_id = api.create("Lead", LastName="Doe", Company="Acme")
    info = bulk_run(api, "Lead", "delete", f"Id\n{lead_id}\n")
    assert info["numberRecordsFailed"] == 0
    assert org.records("Lead") == []


def test_it_sets_a_lookup_through_the_parents_external_id(api: Api, org):
    account_id = api.create("Account", Name="Acme", External_Id__c="A-1")
    info = bulk_run(api, "Contact", "insert", "LastName,Account.External_Id__c\nDoe,A-1\nRoe,A-404\n")
    assert info["numberRecordsFailed"] == 1
    assert org.records("Contact")[0]["AccountId"] == account_id
    assert "Foreign key external ID: A-404 not found" in bulk_result(api, info, "failedResults")


def test_it_shuffles_results_when_asked(api: Api, salesforce_emulator: Emulator, org):
    salesforce_emulator.config.bulk_shuffle_results = True
    rows = "".join(f"L{n:03d},Acme\n" for n in range(60))
    info = bulk_run(api, "Lead", "insert", "LastName,Company\n" + rows)
    names = [line.split(",")[2] for line in bulk_result(api, info, "successfulResults").splitlines()[1:]]
    assert sorted(names) == [f'"L{n:03d}"' for n in range(60)]
    assert names != sorted(names)


def test_it_lists_aborted_rows_as_unprocessed(api: Api, org):
    job = bulk_create(api, "Lead", "insert")
    bulk_upload(api, job, "LastName,Company\nDoe,Acme\n")
    response = api.patch(f"/jobs/ingest/{job['id']}", json={"state": "Aborted"})
    assert response.json()["state"] == "Aborted"
    assert bulk_result(api, job, "unprocessedrecords") == 'LastName,Company\n"Doe","Acme"\n'
    assert org.records("Lead") == []


def test_it_rejects_a_second_upload(api: Api):
    job = bulk_create(api, "Lead", "insert")
    assert bulk_upload(api, job, "LastName,Company\nDoe,Acme\n").status_code == 201
    second = bulk_upload(api, job, "LastName,Company\nRoe,Acme\n")
    assert second.status_code == 400
    error = second.json()[0]
    assert error["errorCode"] == "INVALIDJOB"
    assert error["message"].startswith(f"Found multipe contents for job: <{job['id'][:15]}>")


def test_it_can_reject_the_second_upload_at_close_instead(api: Api, salesforce_emulator: Emulator):
    salesforce_emulator.config.bulk_second_upload_rejected_at = "close"
    job = bulk_create(api, "Lead", "insert")
    bulk_upload(api, job, "LastName,Company\nDoe,Acme\n")
    assert bulk_upload(api, job, "LastName,Company\nRoe,Acme\n").status_code == 201
    assert bulk_close(api, job).status_code == 400


def test_it_rejects_an_upload_to_a_job_that_is_not_open(api: Api):
    job = bulk_create(api, "Lead", "insert")
    bulk_upload(api, job, "LastName,Company\nDoe,Acme\n")
    bulk_close(api, job)
    assert bulk_upload(api, job, "LastName,Company\nRoe,Acme\n").status_code == 400


def test_it_rejects_an_upload_that_is_not_csv(api: Api):
    job = bulk_create(api, "Lead", "insert")
    response = api.session.put(f"{api.instance_url}/{job['contentUrl']}", json={"a": 1})
    assert response.status_code == 415


def test_it_fails_a_job_closed_without_data(api: Api):
    job = bulk_create(api, "Lead", "insert")
    bulk_close(api, job)
    assert bulk_wait(api, job)["state"] == "Failed"


def test_it_deletes_a_finished_job(api: Api):
    info = bulk_run(api, "Lead", "insert", "LastName,Company\nDoe,Acme\n")
    assert api.delete(f"/jobs/ingest/{info['id']}").status_code == 204
    assert api.get(f"/jobs/ingest/{info['id']}").status_code == 404


def test_it_refuses_an_unknown_object_and_a_bad_upsert_key(api: Api):
    assert api.post("/jobs/ingest", json={"object": "Nope__c", "operation": "insert"}).status_code == 400
    body = {"object": "Contact", "operation": "upsert", "externalIdFieldName": "Member_Number__c"}
    assert api.post("/jobs/ingest", json=body).status_code == 400


def test_it_counts_every_bulk_call_against_the_limit(api: Api, org):
    info = bulk_run(api, "Lead", "insert", "LastName,Company\nDoe,Acme\n")
    used = org.limits.used
    bulk_result(api, info, "successfulResults")
    assert org.limits.used == used + 1
    assert used >= 4  # create, upload, close, at least one poll
