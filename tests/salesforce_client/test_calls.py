"""The trace of every HTTP call: bodies, statuses, usage; never a token."""

import json

import pytest

from destinations.salesforce.calls import parse_api_usage
from destinations.salesforce.errors import SalesforceError

from .conftest import api_requests


def test_it_reports_a_call_with_its_request_and_response(client, calls):
    results = client.create("Lead", [{"LastName": "Doe", "Company": "Acme"}])

    (call,) = calls
    assert (call.method, call.path, call.query) == ("POST", "/services/data/v62.0/composite/sobjects", "")
    assert call.request_body == {
        "allOrNone": False,
        "records": [{"attributes": {"type": "Lead"}, "LastName": "Doe", "Company": "Acme"}],
    }
    assert call.status == 200
    assert call.response_body == [{"id": results[0].id, "success": True, "errors": []}]
    assert call.duration_ms >= 0


def test_it_reports_failed_calls_too(client, org, calls):
    org.faults.add("503", path="/limits", count=1)

    with pytest.raises(SalesforceError):
        client.limits()

    assert calls[0].status == 503
    assert calls[0].response_body[0]["errorCode"] == "SERVER_UNAVAILABLE"


def test_it_never_puts_the_token_in_a_call(client, org, tokens, calls):
    org.faults.add("expire_tokens", path="/query", count=1)
    stale = tokens.current

    client.query("SELECT Id FROM Lead")
    client.create("Lead", [{"LastName": "Doe", "Company": "Acme"}])

    seen = json.dumps([c.__dict__ for c in calls], default=str)
    assert stale not in seen and tokens.current not in seen
    assert tokens.refresh_token not in seen


def test_it_parses_api_usage_from_every_answer(client, org, calls):
    org.limits.used = 17

    client.limits()

    assert calls[0].api_usage == (18, 15000)


def test_it_puts_the_soql_in_the_query_string(client, calls):
    client.query("SELECT Id FROM Lead WHERE LastName = 'O\\'Brien'")

    assert calls[0].query == "q=SELECT+Id+FROM+Lead+WHERE+LastName+%3D+%27O%5C%27Brien%27"
    assert calls[0].request_body is None


def test_it_marks_as_counted_what_the_org_counted(client, org, calls):
    org.faults.add("expire_tokens", path="/limits", count=1)
    org.faults.add("503", path="/sobjects", count=1)
    client.limits()
    with pytest.raises(SalesforceError):
        client.describe_global()
    client.describe_global()

    assert [c.counted for c in calls] == [r.counted for r in api_requests(org)]
    assert [c.counted for c in calls] == [False, True, False, True]


def test_it_reads_api_usage_beside_per_app_usage():
    header = {"sforce-limit-info": "per-app-api-usage=17/250(appName=sample); api-usage=18/5000"}

    assert parse_api_usage(header) == (18, 5000)


def test_it_reads_no_api_usage_from_a_missing_or_odd_header():
    assert parse_api_usage({}) is None
    assert parse_api_usage({"Sforce-Limit-Info": "per-app-api-usage=17/250(appName=sample)"}) is None
