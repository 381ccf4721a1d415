"""Bulk API 2.0 ingest calls against the emulator: one job from create to its result files."""

import time

import pytest

from destinations.salesforce.bulk import JobInfo, row_error
from destinations.salesforce.errors import ErrorKind, SalesforceError

from .conftest import api_requests


def finished(client, job_id: str) -> JobInfo:
    # Test-side waiting only: the product polls from scheduled follow-ups.
    for _ in range(400):
        info = client.bulk.info(job_id)
        if info.finished:
            return info
        time.sleep(0.01)
    raise AssertionError("the job did not finish")


def test_it_runs_an_upsert_job_and_reads_each_rows_result(client, org):
    job = client.bulk.create("Contact", "upsert", external_id_field="External_Id__c")
    client.bulk.upload(job.id, "External_Id__c,LastName,Email\nc-1,Doe,\nc-2,,not an email\n")
    closed = client.bulk.close(job.id)

    info = finished(client, job.id)

    assert (job.state, closed.state, info.state) == ("Open", "UploadComplete", "JobComplete")
    assert (info.records_processed, info.records_failed) == (2, 1)
    [success] = client.bulk.results(job.id, "successfulResults")
    assert success["External_Id__c"] == "c-1" and success["sf__Created"] == "true"
    assert org.record("Contact", success["sf__Id"])["LastName"] == "Doe"
    [failure] = client.bulk.results(job.id, "failedResults")
    assert failure["External_Id__c"] == "c-2"
    assert failure["sf__Error"] == "INVALID_EMAIL_ADDRESS:Email: invalid email address: not an email:Email --"


def test_it_sends_the_job_spec_salesforce_expects(client, calls):
    client.bulk.create("Contact", "upsert", external_id_field="External_Id__c")

    assert calls[-1].method == "POST" and calls[-1].path.endswith("/jobs/ingest")
    assert calls[-1].request_body == {
        "object": "Contact",
        "operation": "upsert",
        "contentType": "CSV",
        "lineEnding": "LF",
        "columnDelimiter": "COMMA",
        "externalIdFieldName": "External_Id__c",
    }


def test_it_uploads_csv_and_traces_only_its_size(client, org, calls):
    job = client.bulk.create("Lead", "update")
    client.bulk.upload(job.id, "Id,Title\n00Q000000000001AAA,CEO\n")

    upload = api_requests(org)[-1]
    assert upload.method == "PUT" and upload.path.endswith(f"/jobs/ingest/{job.id}/batches")
    assert calls[-1].request_body == {"csvBytes": len("Id,Title\n00Q000000000001AAA,CEO\n")}
    assert calls[-1].status == 201


def test_it_aborts_an_open_job_and_lists_its_rows_as_unprocessed(client):
    job = client.bulk.create("Lead", "update")
    client.bulk.upload(job.id, "Id,Title\n00Q000000000001AAA,CEO\n")

    aborted = client.bulk.abort(job.id)

    assert aborted.state == "Aborted"
    assert client.bulk.results(job.id, "unprocessedrecords") == [{"Id": "00Q000000000001AAA", "Title": "CEO"}]


def test_it_reports_a_failed_job_with_its_message(client):
    job = client.bulk.create("Lead", "update")
    client.bulk.upload(job.id, "Id,Titel\n00Q000000000001AAA,CEO\n")
    client.bulk.close(job.id)

    info = finished(client, job.id)

    assert info.state == "Failed"
    assert info.error_message == "InvalidBatch : Field name not found : Titel"


def test_it_counts_every_bulk_call(client, calls):
    job = client.bulk.create("Lead", "update")
    client.bulk.upload(job.id, "Id,Title\n00Q000000000001AAA,CEO\n")
    client.bulk.close(job.id)
    finished(client, job.id)
    calls.clear()

    client.bulk.results(job.id, "failedResults")

    assert [(c.method, c.counted) for c in calls] == [("GET", True)]


def test_it_raises_a_classified_error_for_an_unknown_job(client):
    with pytest.raises(SalesforceError) as raised:
        client.bulk.info("750000000000000AAA")

    assert raised.value.kind is ErrorKind.PERMANENT
    assert raised.value.status == 404


@pytest.mark.parametrize(
    ("written", "code", "message", "fields"),
    [
        (
            "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --",
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [Name]",
            ["Name"],
        ),
        ("INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--", "INVALID_CROSS_REFERENCE_KEY",
         "invalid cross reference id", []),
        ("MISSING_ARGUMENT:Id not specified in an update call:--", "MISSING_ARGUMENT",
         "Id not specified in an update call", []),
        ("FIELD_X:a: b: c:F1,F2 --", "FIELD_X", "a: b: c", ["F1", "F2"]),
    ],
)  # fmt: skip
def test_it_reads_a_failed_rows_error(written, code, message, fields):
    error = row_error(written)

    assert (error.error_code, error.message, error.fields) == (code, message, fields)
    assert error.kind is ErrorKind.PERMANENT


def test_it_takes_a_row_locked_by_another_write_as_transient():
    assert row_error("UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--").kind is (
        ErrorKind.TRANSIENT
    )
