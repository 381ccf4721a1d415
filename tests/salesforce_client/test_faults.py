"""A bad day at the org: every failure arrives classified, and nothing is retried inside the client."""

import pytest

from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.errors import ErrorKind, SalesforceError

from .conftest import api_requests

LEADS = [{"LastName": "Doe", "Company": "Acme"}]


def raised_by(call):
    with pytest.raises(SalesforceError) as raised:
        call()
    return raised.value


def test_it_raises_transient_for_a_503_and_does_not_retry(client, org):
    org.faults.add("503", path="/composite/sobjects", count=1)

    error = raised_by(lambda: client.create("Lead", LEADS))

    assert (error.kind, error.status, error.error_code) == (ErrorKind.TRANSIENT, 503, "SERVER_UNAVAILABLE")
    assert len(api_requests(org)) == 1
    assert org.records("Lead") == []


def test_it_raises_transient_for_a_500(client, org):
    org.faults.add("500", path="/query", count=1)

    error = raised_by(lambda: client.query("SELECT Id FROM Lead"))

    assert (error.kind, error.status, error.error_code) == (ErrorKind.TRANSIENT, 500, "UNKNOWN_EXCEPTION")
    assert error.message.startswith("An unexpected error occurred")


def test_it_raises_transient_for_a_dropped_connection(client, org, calls):
    org.faults.add("drop_connection", path="/composite/sobjects", count=1)

    error = raised_by(lambda: client.create("Lead", LEADS))

    assert (error.kind, error.status, error.error_code) == (ErrorKind.TRANSIENT, None, "CONNECTION_ERROR")
    assert [(c.status, c.counted) for c in calls] == [(None, False)]


def test_it_raises_transient_when_the_answer_is_later_than_the_timeout(connection, org, calls):
    org.faults.add("latency", path="/limits", seconds=1.0, count=1)
    with SalesforceClient(connection, on_call=calls.append, timeout=0.2) as client:
        error = raised_by(client.limits)

    assert (error.kind, error.error_code) == (ErrorKind.TRANSIENT, "TIMEOUT")
    assert calls[0].status is None and 150 <= calls[0].duration_ms < 1000


def test_it_raises_transient_for_a_whole_request_lock(client, org):
    org.faults.add("unable_to_lock_row", path="/composite/sobjects", count=1)

    error = raised_by(lambda: client.create("Lead", LEADS))

    assert (error.kind, error.status, error.error_code) == (ErrorKind.TRANSIENT, 400, "UNABLE_TO_LOCK_ROW")


def test_it_reports_locked_rows_as_transient_and_the_rest_as_written(client, org):
    org.faults.add("unable_to_lock_row", path="/composite/sobjects", rows=[1], count=1)

    results = client.create("Lead", LEADS * 3)

    assert [r.success for r in results] == [True, False, True]
    assert results[1].error.kind is ErrorKind.TRANSIENT
    assert results[1].error.error_code == "UNABLE_TO_LOCK_ROW"
    assert len(org.records("Lead")) == 2


def test_it_raises_rate_limited_when_the_daily_quota_is_spent(client, org, calls):
    org.limits.max_override = 1
    client.limits()

    error = raised_by(client.limits)

    assert (error.kind, error.status, error.error_code) == (
        ErrorKind.RATE_LIMITED,
        403,
        "REQUEST_LIMIT_EXCEEDED",
    )
    assert error.message == "TotalRequests Limit exceeded."
    assert calls[-1].counted is False


def test_it_keeps_the_results_of_written_parts_when_a_later_part_fails(connection, org):
    def fail_after_the_first_write(call):
        if call.status == 200 and not org.faults.all():
            org.faults.add("503", path="/composite/sobjects", count=1)

    with SalesforceClient(connection, on_call=fail_after_the_first_write) as client:
        results = client.create("Lead", LEADS * 401)

    assert len(results) == 401
    assert all(r.success for r in results[:200])
    errors = [r.error for r in results[200:]]
    assert all(e is not None and e.error_code == "SERVER_UNAVAILABLE" for e in errors)
    assert all(e is not None and e.kind is ErrorKind.TRANSIENT for e in errors)
    assert all(r.id is None and r.success is False for r in results[200:])
    assert len(org.records("Lead")) == 200
    assert len(api_requests(org)) == 2


def test_it_raises_when_the_first_part_of_a_split_list_fails(client, org, calls):
    org.faults.add("503", path="/composite/sobjects", count=1)

    error = raised_by(lambda: client.create("Lead", LEADS * 201))

    assert error.kind is ErrorKind.TRANSIENT
    assert len(calls) == 1
