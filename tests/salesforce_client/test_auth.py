"""The auth rule: a rejected session is refreshed once and the request repeated once."""

import pytest

from destinations.salesforce.errors import ErrorKind, SalesforceError

from .conftest import api_requests, token_requests


def test_it_refreshes_once_and_repeats_the_request_after_a_401(client, org, tokens):
    stale = tokens.current
    org.faults.add("expire_tokens", path="/composite/sobjects", count=1)

    results = client.create("Lead", [{"LastName": "Doe", "Company": "Acme"}])

    assert results[0].success
    assert len(token_requests(org)) == 1
    assert tokens.refreshed_for == [stale]
    assert [r.status for r in api_requests(org)] == [401, 200]
    assert len(org.records("Lead")) == 1


def test_it_raises_auth_when_the_repeated_request_is_refused_too(client, org, tokens):
    org.faults.add("expire_tokens", path="/query", count=2)

    with pytest.raises(SalesforceError) as raised:
        client.query("SELECT Id FROM Lead")

    assert raised.value.kind is ErrorKind.AUTH
    assert raised.value.status == 401
    assert raised.value.error_code == "INVALID_SESSION_ID"
    assert len(token_requests(org)) == 1
    assert [r.status for r in api_requests(org)] == [401, 401]


def test_it_raises_auth_when_the_refresh_token_is_revoked(client, org):
    org.faults.add("revoke_tokens", path="/composite/sobjects", count=1)

    with pytest.raises(SalesforceError) as raised:
        client.create("Lead", [{"LastName": "Doe", "Company": "Acme"}])

    assert raised.value.kind is ErrorKind.AUTH
    assert raised.value.error_code == "invalid_grant"
    assert [r.status for r in api_requests(org)] == [401]
    assert org.records("Lead") == []


def test_it_uses_the_refreshed_token_for_the_next_calls(client, org, tokens):
    org.faults.add("expire_tokens", path="/limits", count=1)
    client.limits()

    client.limits()

    assert len(token_requests(org)) == 1
    assert [r.status for r in api_requests(org)] == [401, 200, 200]
    assert api_requests(org)[-1].token == api_requests(org)[-2].token


def test_it_refreshes_a_query_page_in_the_middle_of_paging(client, org, calls):
    org.config.query_page_size = 200
    client.create("Lead", [{"LastName": f"Doe {n}", "Company": "Acme"} for n in range(300)])
    org.faults.add("expire_tokens", path="/query/", count=1)

    rows = client.query("SELECT Id FROM Lead")

    assert len(rows) == 300
    assert [c.status for c in calls if c.path.startswith("/services/data/v62.0/query")] == [200, 401, 200]


def test_it_does_not_count_the_refresh_or_the_refused_call(client, org, calls):
    org.faults.add("expire_tokens", path="/limits", count=1)

    client.limits()

    assert [(c.status, c.counted) for c in calls] == [(401, False), (200, True)]
    assert org.limits.used == 1
