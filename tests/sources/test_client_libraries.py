"""The two real client libraries, unmodified, pointed at our live server."""

from __future__ import annotations

import datetime as dt

import pytest
from customerio.analytics import Client as CustomerIoClient
from customerio.analytics import request as customerio_request
from django.db import OperationalError
from segment.analytics import Client as SegmentClient
from segment.analytics import request as segment_request

from sources.models import Event
from sources.provisioning import create_source

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = {"customerio": CustomerIoClient, "segment": SegmentClient}


@pytest.fixture(autouse=True)
def close_client_connections():
    yield
    # Both libraries keep one module-wide HTTP session; its kept-alive
    # connections would hold the live server's threads, and their database
    # connections, past the end of the test.
    customerio_request._session.close()
    segment_request._session.close()


@pytest.fixture
def keyed_source(team):
    return create_source(team.workspace, "client-library")


def _send_every_type(client):
    client.identify("u1", {"email": "ada@example.com", "last_name": "Lovelace"}, message_id="id-1")
    client.track("u1", "Order Completed", {"total": 99.5}, message_id="id-2")
    client.page("u1", "Docs", "Pricing", {"url": "https://example.com"}, message_id="id-3")
    client.screen("u1", "App", "Home", message_id="id-4")
    client.group("u1", "acme", {"name": "Acme"}, message_id="id-5")
    client.alias("anon-1", "u1", message_id="id-6")


def _assert_every_type_stored(source):
    events = {e.message_id: e for e in Event.objects.filter(source=source)}
    assert sorted(events) == [f"id-{i}" for i in range(1, 7)]
    assert [events[f"id-{i}"].type for i in range(1, 7)] == [
        "identify",
        "track",
        "page",
        "screen",
        "group",
        "alias",
    ]
    assert events["id-1"].email == "ada@example.com"
    assert events["id-2"].payload["properties"] == {"total": 99.5}
    assert events["id-3"].name == "Pricing"
    assert events["id-5"].group_id == "acme"
    assert events["id-6"].payload["previousId"] == "anon-1"
    assert events["id-2"].payload["context"]["library"]["name"] == "analytics-python"


@pytest.mark.parametrize("library", sorted(CLIENTS))
def test_it_stores_what_a_client_sends_in_sync_mode(library, live_server, keyed_source):
    source, key = keyed_source
    client = CLIENTS[library](key, host=live_server.url, sync_mode=True, max_retries=0)

    _send_every_type(client)

    _assert_every_type_stored(source)


@pytest.mark.parametrize("library", sorted(CLIENTS))
def test_it_stores_what_a_client_batches_and_flushes(library, live_server, keyed_source):
    source, key = keyed_source
    errors = []
    client = CLIENTS[library](
        key,
        host=live_server.url,
        gzip=True,
        upload_interval=0.05,
        max_retries=1,
        on_error=lambda e, b: errors.append(e),
    )

    _send_every_type(client)
    client.flush()
    client.join()

    assert errors == []
    _assert_every_type_stored(source)


@pytest.mark.parametrize("library", sorted(CLIENTS))
def test_it_keeps_the_timestamp_a_client_supplies(library, live_server, keyed_source):
    source, key = keyed_source
    client = CLIENTS[library](key, host=live_server.url, sync_mode=True, max_retries=0)
    when = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)

    client.track("u1", "Backfilled", timestamp=when, message_id="old")

    assert Event.objects.get(source=source, message_id="old").timestamp == when


@pytest.mark.parametrize("library", sorted(CLIENTS))
def test_it_gives_a_client_a_final_error_for_a_bad_key(library, live_server, keyed_source):
    errors = []
    client = CLIENTS[library](
        "wk_not-a-key",
        host=live_server.url,
        upload_interval=0.05,
        max_retries=3,
        on_error=lambda e, b: errors.append(e),
    )

    client.track("u1", "Denied", message_id="denied")
    client.flush()
    client.join()

    assert len(errors) == 1
    assert errors[0].status == 401
    assert errors[0].code == "unauthorized"
    assert not Event.objects.filter(message_id="denied").exists()


@pytest.mark.parametrize("library", sorted(CLIENTS))
def test_it_gets_an_event_stored_by_a_client_retry_after_a_database_outage(
    library, live_server, keyed_source, monkeypatch
):
    source, key = keyed_source
    real_bulk_create = Event.objects.bulk_create
    calls = []

    def down_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database is restarting")
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(Event.objects, "bulk_create", down_once)
    errors = []
    client = CLIENTS[library](
        key, host=live_server.url, upload_interval=0.05, max_retries=3, on_error=lambda e, b: errors.append(e)
    )

    client.track("u1", "Survived", message_id="retried")
    client.flush()
    client.join()

    assert errors == []
    assert len(calls) == 2
    assert Event.objects.filter(source=source, message_id="retried").count() == 1
