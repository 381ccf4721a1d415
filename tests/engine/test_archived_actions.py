"""A deleted (archived) action: never routed or sent, its history kept, and back in service once restored."""

from __future__ import annotations

import pytest

from actions import archiving
from actions.models import Action
from deliveries import retrying
from deliveries.models import Delivery, Status
from sources.models import Event

from .conftest import deliver, identify, make_action, path, send

pytestmark = pytest.mark.django_db(transaction=True)


def _lead(destination):
    return make_action(
        destination, "lead", "upsert", name="Leads", matchers=[("Email", path("traits.email"))]
    )


def test_it_routes_no_event_to_an_archived_action(sf, destination, source):
    action = _lead(destination)
    archiving.archive(action)

    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))

    assert Event.objects.count() == 1
    assert not Delivery.objects.filter(action=action).exists()


def test_it_keeps_the_sent_deliveries_of_an_archived_action(sf, destination, source):
    action = _lead(destination)
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))
    [delivered] = deliver(action)

    archiving.archive(action)

    kept = Delivery.objects.get(pk=delivered.pk)
    assert (kept.status, kept.record_id) == (Status.DELIVERED, delivered.record_id)
    assert kept.attempt_log.count() == 1


def test_it_closes_waiting_deliveries_without_sending_them(sf, destination, source):
    action = _lead(destination)
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))
    sf.reset_calls()

    assert archiving.archive(action) == 1
    [closed] = deliver(action)

    assert sf.api_calls() == 0 and sf.records("Lead") == []
    assert (closed.status, closed.error_code, closed.status_code) == (Status.FAILED, "ACTION_DELETED", None)
    assert "Restore the action" in closed.error_message


def test_the_sender_sends_nothing_for_a_delivery_routed_as_the_action_was_archived(sf, destination, source):
    action = _lead(destination)
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))
    # The archive committed between routing and sending, without closing this delivery.
    Action.objects.filter(pk=action.pk).update(archived_at="2026-01-01T00:00:00Z")
    sf.reset_calls()

    [closed] = deliver(action)

    assert sf.api_calls() == 0 and sf.records("Lead") == []
    assert closed.error_code == "ACTION_DELETED"


def test_a_restored_action_sends_what_was_closed_once_retried(sf, destination, source):
    action = _lead(destination)
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))
    archiving.archive(action)

    assert archiving.restore(action)
    assert retrying.retry_all_failed(Delivery.objects.filter(action=action)) == 1
    [delivered] = deliver(action)

    assert delivered.status == Status.DELIVERED
    assert [lead["Email"] for lead in sf.records("Lead")] == ["ada@example.com"]


def test_a_retry_of_an_archived_actions_delivery_is_closed_again_unsent(sf, destination, source):
    action = _lead(destination)
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))
    archiving.archive(action)
    retrying.retry_all_failed(Delivery.objects.filter(action=action))
    sf.reset_calls()

    [closed] = deliver(action)

    assert sf.api_calls() == 0
    assert (closed.status, closed.error_code) == (Status.FAILED, "ACTION_DELETED")


def test_a_restored_action_takes_new_events_again(sf, destination, source):
    action = _lead(destination)
    archiving.archive(action)
    archiving.restore(action)

    send(source, identify("u2", email="grace@example.com", last_name="Hopper", company="Navy"))
    [delivered] = deliver(action)

    assert delivered.status == Status.DELIVERED
