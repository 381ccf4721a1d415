"""Data Out, its CSV and "retry all failed" answer a date out of range with a message, never a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliveries.filters import PARAMS
from deliveries.models import Delivery, Status
from tests.dashboard import data_out_support as support

OUT_OF_RANGE = [
    {"to": "9999-12-31"},
    {"from": "0001-01-01T00:00+05:00"},
    {"range": "custom", "to": "9999-12-31"},
]


@pytest.fixture
def failed(sf, destination, source):
    support.block_emails(sf.org)
    action = support.sent(sf, destination, source, support.lead("u1", f"u1{support.BLOCKED_DOMAIN}"))
    return Delivery.objects.get(action=action)


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_the_page_answers_400_with_the_reason(team, destination, query):
    response = team.client_for("member").get(support.data_out_url(destination, **query))

    assert response.status_code == 400
    assert "is out of range" in response.content.decode()


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_the_csv_answers_400_with_the_reason(team, destination, query):
    response = team.client_for("member").get(support.data_out_url(destination, "export-csv", **query))

    assert response.status_code == 400
    assert "is out of range" in response.content.decode()


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_retry_all_retries_nothing_and_says_why(team, failed, query):
    response = team.client_for("owner").post(
        support.data_out_url(failed.destination, "retry-failed"), query, follow=True
    )

    assert "Nothing was retried: The " in response.content.decode()
    assert "is out of range" in response.content.decode()
    assert Delivery.objects.get(pk=failed.pk).status == Status.FAILED


_VALUES = st.text(max_size=30) | st.sampled_from(
    ["9999-12-31", "0001-01-01T00:00+05:00", "9999-12-31T23:00-05:00", "[" * 1000, "1e999", "NaN"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.sampled_from(PARAMS), _VALUES, max_size=4))
def test_any_filter_is_answered_without_a_server_error_and_changes_nothing(team, failed, query):
    client = team.client_for("owner")
    destination = failed.destination

    page = client.get(support.data_out_url(destination, **query))
    export = client.get(support.data_out_url(destination, "export-csv", **query))
    if page.status_code == 400:
        client.post(support.data_out_url(destination, "retry-failed"), query)

    assert page.status_code in (200, 400)
    assert export.status_code in (200, 400)
    assert Delivery.objects.get(pk=failed.pk).status == Status.FAILED


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"])
def test_an_event_at_the_edge_of_time_is_stored_and_shown(team, sf, destination, source, timestamp):
    action = support.sent(sf, destination, source, {**support.lead("u1"), "timestamp": timestamp})
    delivery = Delivery.objects.get(action=action)
    client = team.client_for("member")

    page = client.get(support.data_out_url(destination))
    export = client.get(support.data_out_url(destination, "export-csv"))
    detail = client.get(support.delivery_url(delivery))

    assert delivery.status == Status.DELIVERED
    assert (page.status_code, export.status_code, detail.status_code) == (200, 200, 200)
    assert timestamp[:10] in detail.content.decode()
    assert "u1@x.io" in b"".join(export.streaming_content).decode()
