"""A session Salesforce rejects twice in a row: held for a moment, never held silently for good."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from deliveries import tasks
from deliveries.holding import HELD_WHILE_CONNECTED
from deliveries.models import Delivery, Status
from destinations.models import ConnectionState
from tests.engine.conftest import deliver, identify, make_action, send


def _reject_the_session_twice(sf):
    # Every access token expires as each request arrives: the first is
    # refused, the refreshed one is refused again.
    sf.control("POST", "/faults", json={"kind": "expire_tokens", "path": "/composite/sobjects", "count": 2})


def test_deliveries_held_by_a_connected_destination_are_tried_again_and_delivered(sf, destination, source):
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    send(source, identify("u1", last_name="One", company="Acme"))
    _reject_the_session_twice(sf)

    [held] = deliver(action)

    assert (held.status, held.error_code) == (Status.HELD, "INVALID_SESSION_ID")
    destination.refresh_from_db()
    assert destination.state == ConnectionState.CONNECTED
    # The refresh token works: nothing asks for a reconnect, so the sweep tries again.
    Delivery.objects.filter(pk=held.pk).update(updated_at=timezone.now() - HELD_WHILE_CONNECTED)
    tasks.sweep()

    [delivered] = deliver(action)

    assert delivered.status == Status.DELIVERED
    assert [r["LastName"] for r in sf.records("Lead")] == ["One"]


def test_the_sweep_leaves_held_deliveries_of_a_destination_that_needs_reconnecting(sf, destination, source):
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    send(source, identify("u1", last_name="One", company="Acme"))
    sf.control("POST", "/tokens/revoke")

    [held] = deliver(action)
    Delivery.objects.filter(pk=held.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    tasks.sweep()

    held.refresh_from_db()
    destination.refresh_from_db()
    assert (held.status, destination.state) == (Status.HELD, ConnectionState.NEEDS_RECONNECT)
