"""Which events become deliveries, decided in the intake transaction."""

from __future__ import annotations

from deliveries.models import Delivery, Status
from deliveries.router import wanted_by
from destinations.models import ConnectionState
from sources.models import Event
from tests.engine.conftest import identify, make_action, send


def test_it_creates_a_delivery_per_matching_action(destination, source):
    lead = make_action(destination, "lead", "create")
    account = make_action(destination, "account", "create")

    send(source, identify("u", last_name="L"), {"type": "group", "userId": "u", "groupId": "g"})

    assert [d.event.type for d in Delivery.objects.filter(action=lead)] == ["identify"]
    assert [d.event.type for d in Delivery.objects.filter(action=account)] == ["group"]


def test_it_stores_events_no_action_takes(destination, source):
    make_action(destination, "lead", "create")

    send(source, {"type": "track", "userId": "u", "event": "Nothing"})

    assert Event.objects.count() == 1
    assert not Delivery.objects.exists()


def test_it_honours_the_integrations_object(destination, source):
    make_action(destination, "lead", "create")

    send(
        source,
        {**identify("a"), "integrations": {"Salesforce": False}},
        {**identify("b"), "integrations": {"All": False, "Acme production": True}},
        {**identify("c"), "integrations": {"All": False}},
    )

    assert [d.event.user_id for d in Delivery.objects.all()] == ["b"]


def test_it_reads_the_integrations_object_most_specific_name_first():
    assert wanted_by({"All": False, "Salesforce": True}, "Prod")
    assert not wanted_by({"Salesforce": True, "Prod": False}, "Prod")
    assert wanted_by(None, "Prod")
    assert not wanted_by({"Salesforce (Actions)": False, "Salesforce": True}, "Prod")


def test_it_routes_nothing_to_a_disabled_destination_or_action(destination, source):
    make_action(destination, "lead", "create", enabled=False, name="off")
    destination.enabled = False
    destination.save()
    make_action(destination, "lead", "create", name="on")

    send(source, identify("u"))

    assert not Delivery.objects.exists()


def test_it_holds_deliveries_of_a_destination_that_needs_reconnecting(destination, source):
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()
    make_action(destination, "lead", "create")

    send(source, identify("u"))

    assert Delivery.objects.get().status == Status.HELD


def test_it_routes_nothing_for_a_duplicate_message(destination, source):
    make_action(destination, "lead", "create")

    send(source, {**identify("u"), "messageId": "m-1"})
    send(source, {**identify("u"), "messageId": "m-1"})

    assert Delivery.objects.count() == 1
