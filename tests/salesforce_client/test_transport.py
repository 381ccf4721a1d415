"""The HTTP chokepoint, with answers no emulator gives: proxies, redirects, odd bodies."""

import contextlib
import json
import logging

import pytest
import requests
import responses

from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.connection import Connection
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.salesforce.transport import DEFAULT_WRITE_TIMEOUT, MAX_TEXT_BODY, USER_AGENT

ORIGIN = "https://acme.my.salesforce.com"
API = f"{ORIGIN}/services/data/v62.0"
JOBS = f"{API}/jobs/ingest"


class FixedTokens:
    def __init__(self):
        self.refreshes = 0

    def access_token(self):
        return "00Dxx!token"

    def refresh(self, rejected):
        self.refreshes += 1
        return "00Dxx!token"


@pytest.fixture
def calls():
    return []


@pytest.fixture
def client(calls):
    with SalesforceClient(Connection(ORIGIN, "62.0", FixedTokens()), on_call=calls.append) as made:
        yield made


@responses.activate
def test_it_classifies_a_proxy_html_502_and_keeps_the_page_in_the_call(client, calls):
    responses.get(f"{API}/limits", body="<html>Bad Gateway</html>", status=502, content_type="text/html")

    with pytest.raises(SalesforceError) as raised:
        client.limits()

    assert (raised.value.kind, raised.value.error_code) == (ErrorKind.TRANSIENT, "HTTP_502")
    assert calls[0].response_body == "<html>Bad Gateway</html>"
    assert calls[0].counted is False


@responses.activate
def test_it_sends_the_user_agent_the_token_and_a_timeout(client):
    seen = {}

    def answer(request):
        seen.update(request.headers)
        seen["timeout"] = request.req_kwargs["timeout"]
        return 200, {}, "{}"

    responses.add_callback(responses.GET, f"{API}/limits", callback=answer)

    client.limits()

    assert seen["User-Agent"] == USER_AGENT
    assert seen["Authorization"] == "Bearer 00Dxx!token"
    # Connecting sends nothing: given up on after 10 s; a read waits 30 s for its answer.
    assert seen["timeout"] == (10, 30)


@responses.activate
def test_it_does_not_follow_a_redirect(client):
    responses.get(f"{API}/limits", status=302, headers={"Location": "https://elsewhere.example/steal"})

    with pytest.raises(SalesforceError) as raised:
        client.limits()

    assert (raised.value.kind, raised.value.status) == (ErrorKind.PERMANENT, 302)
    assert len(responses.calls) == 1


@responses.activate
def test_it_sends_a_failing_request_only_once(client):
    responses.post(
        f"{API}/composite/sobjects", status=503, json=[{"errorCode": "SERVER_UNAVAILABLE", "message": "m"}]
    )

    with pytest.raises(SalesforceError):
        client.create("Lead", [{"LastName": "Doe"}])

    assert len(responses.calls) == 1


@responses.activate
def test_it_keeps_the_outcome_when_on_call_fails(caplog):
    def broken(call):
        raise RuntimeError("log table is gone")

    responses.get(f"{API}/limits", json={"DailyApiRequests": {"Max": 1, "Remaining": 1}})
    client = SalesforceClient(Connection(ORIGIN, "62.0", FixedTokens()), on_call=broken)

    with caplog.at_level(logging.ERROR):
        assert client.limits() == {"DailyApiRequests": {"Max": 1, "Remaining": 1}}

    assert "on_call failed" in caplog.text


@responses.activate
def test_it_refuses_a_next_records_url_outside_the_api(client):
    responses.get(
        f"{API}/query",
        json={"totalSize": 2, "done": False, "nextRecordsUrl": "https://elsewhere.example/x", "records": []},
    )

    with pytest.raises(SalesforceError) as raised:
        client.query("SELECT Id FROM Lead")

    assert raised.value.error_code == "UNEXPECTED_RESPONSE"
    assert len(responses.calls) == 1


@responses.activate
def test_it_reads_a_collections_answer_of_the_wrong_size_as_transient(client):
    responses.post(
        f"{API}/composite/sobjects", json=[{"id": "00Q000000000001AAA", "success": True, "errors": []}]
    )

    with pytest.raises(SalesforceError) as raised:
        client.create("Lead", [{"LastName": "A"}, {"LastName": "B"}])

    assert (raised.value.kind, raised.value.error_code) == (ErrorKind.TRANSIENT, "UNEXPECTED_RESPONSE")


@responses.activate
def test_it_reads_a_200_html_page_as_transient(client):
    responses.get(f"{API}/sobjects", body="<html>Sign in to the Wi-Fi</html>", content_type="text/html")

    with pytest.raises(SalesforceError) as raised:
        client.describe_global()

    assert raised.value.kind is ErrorKind.TRANSIENT


@responses.activate
def test_it_wraps_a_network_error_during_refresh(calls):
    class UnreachableTokens(FixedTokens):
        def refresh(self, rejected):
            raise requests.ConnectionError("login host unreachable")

    responses.get(f"{API}/limits", status=401, json=[{"errorCode": "INVALID_SESSION_ID", "message": "m"}])
    client = SalesforceClient(Connection(ORIGIN, "62.0", UnreachableTokens()))

    with pytest.raises(SalesforceError) as raised:
        client.limits()

    assert (raised.value.kind, raised.value.error_code) == (ErrorKind.TRANSIENT, "CONNECTION_ERROR")


def test_it_refuses_a_client_without_a_timeout():
    with pytest.raises(ValueError, match="timeout"):
        SalesforceClient(Connection(ORIGIN, "62.0", FixedTokens()), timeout=0)


@pytest.mark.parametrize(
    ("url", "version"),
    [("acme.my.salesforce.com", "62.0"), (f"{ORIGIN}/services", "62.0"), (ORIGIN, "v62.0"), (ORIGIN, "62")],
)
def test_it_refuses_a_connection_that_cannot_work(url, version):
    with pytest.raises(ValueError):
        Connection(url, version, FixedTokens())


@responses.activate
def test_it_accepts_an_instance_url_with_a_trailing_slash(calls):
    responses.get(f"{API}/limits", json={})
    client = SalesforceClient(Connection(ORIGIN + "/", "62.0", FixedTokens()), on_call=calls.append)

    client.limits()

    assert calls[0].path == "/services/data/v62.0/limits"


# --- Bulk API 2.0 answers -------------------------------------------------------
@responses.activate
def test_it_reads_a_result_file_longer_than_a_trace_keeps(client, calls):
    rows = "".join(f'"001{n:015d}","false","e-{n}"\n' for n in range(2000))
    body = '"sf__Id","sf__Created",External_Id__c\n' + rows
    assert len(body) > MAX_TEXT_BODY
    responses.get(f"{JOBS}/7501/successfulResults/", body=body, content_type="text/csv")

    results = client.bulk.results("7501", "successfulResults")

    assert len(results) == 2000
    assert results[-1] == {"sf__Id": "001000000000001999", "sf__Created": "false", "External_Id__c": "e-1999"}
    assert len(calls[-1].response_body) == MAX_TEXT_BODY


@responses.activate
def test_it_reads_quoted_cells_with_commas_quotes_and_newlines(client):
    body = '"sf__Id","sf__Error",Description\n"","X:a, ""b""\nc:--","one\ntwo"\n'
    responses.get(f"{JOBS}/7501/failedResults/", body=body, content_type="text/csv")

    [row] = client.bulk.results("7501", "failedResults")

    assert row == {"sf__Id": "", "sf__Error": 'X:a, "b"\nc:--', "Description": "one\ntwo"}


@responses.activate
def test_it_asks_for_csv_when_it_reads_results(client):
    responses.get(f"{JOBS}/7501/unprocessedrecords/", body="Id\n", content_type="text/csv")

    assert client.bulk.results("7501", "unprocessedrecords") == []
    assert responses.calls[0].request.headers["Accept"] == "text/csv"


@responses.activate
def test_it_sends_the_upload_as_csv(client):
    responses.put(f"{JOBS}/7501/batches", status=201)

    client.bulk.upload("7501", "Id,Title\n001,é\n")

    sent = responses.calls[0].request
    assert sent.headers["Content-Type"] == "text/csv; charset=UTF-8"
    assert sent.body == "Id,Title\n001,é\n".encode()


@responses.activate
def test_it_takes_a_job_info_of_another_shape_as_transient(client):
    responses.get(f"{JOBS}/7501", json=["not", "a", "job"])

    with pytest.raises(SalesforceError) as raised:
        client.bulk.info("7501")

    assert raised.value.kind is ErrorKind.TRANSIENT


@responses.activate
def test_it_reads_the_counts_and_message_of_a_failed_job(client):
    responses.get(
        f"{JOBS}/7501",
        json={
            "id": "7501",
            "state": "Failed",
            "numberRecordsProcessed": 3,
            "numberRecordsFailed": 1,
            "errorMessage": "InvalidBatch : Field name not found : X",
        },
    )

    info = client.bulk.info("7501")

    assert (info.state, info.finished, info.records_processed, info.records_failed) == ("Failed", True, 3, 1)
    assert info.error_message == "InvalidBatch : Field name not found : X"


def test_it_refuses_a_job_id_that_would_change_the_path(client):
    with pytest.raises(ValueError, match="not a job id"):
        client.bulk.info("../sobjects")


@responses.activate
def test_a_record_write_waits_for_salesforces_request_limit_and_a_bulk_step_does_not(client):
    seen = []

    def answer(request):
        seen.append(request.req_kwargs["timeout"])
        return 200, {}, json.dumps([{"id": "00Q000000000001AAA", "success": True, "errors": []}])

    responses.add_callback(responses.POST, f"{API}/composite/sobjects", callback=answer)
    responses.add_callback(responses.PATCH, f"{JOBS}/750000000000001AAA", callback=answer)

    client.create("Lead", [{"LastName": "Doe"}])
    with contextlib.suppress(SalesforceError):
        client.bulk.close("750000000000001AAA")

    assert seen == [(10, DEFAULT_WRITE_TIMEOUT), (10, 30)]
