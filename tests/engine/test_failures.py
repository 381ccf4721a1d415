"""Auth, outages, quota, retries: what each does to deliveries and the destination."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from deliveries.models import Delivery, Status
from destinations.models import ConnectionState
from tests.engine.conftest import deliver, identify, make_action, send


def _lead_event(n=1):
    return identify(f"u{n}", last_name=f"L{n}", company="Acme")


def _make_due(action):
    Delivery.objects.filter(action=action).update(due_at=timezone.now() - timedelta(seconds=1))


def test_it_refreshes_an_expired_token_once_and_delivers(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, _lead_event())
    sf.org.faults.add("expire_tokens", count=1)

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED
    refreshes = [r for r in sf.org.requests() if r.path.endswith("/oauth2/token")]
    assert len(refreshes) == 1
    destination.refresh_from_db()
    assert destination.token_version == 2


def test_it_holds_deliveries_when_the_refresh_token_is_dead(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, _lead_event(1), _lead_event(2))
    sf.org.faults.add("revoke_tokens", count=1)

    deliveries = deliver(action)

    assert {d.status for d in deliveries} == {Status.HELD}
    destination.refresh_from_db()
    assert destination.state == ConnectionState.NEEDS_RECONNECT
    assert sf.records("Lead") == []


def test_it_retries_after_a_503_and_delivers_once_salesforce_recovers(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, _lead_event())
    sf.org.faults.add("503", path="composite", count=1)

    [delivery] = deliver(action)

    assert (delivery.status, delivery.status_code, delivery.attempts) == (Status.RETRYING, 503, 1)
    assert delivery.due_at > timezone.now() + timedelta(seconds=14)
    _make_due(action)
    [delivery] = deliver(action)
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 2)
    assert len(sf.records("Lead")) == 1


def test_it_retries_a_row_salesforce_could_not_lock(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, _lead_event(1), _lead_event(2))
    sf.org.faults.add("unable_to_lock_row", path="composite", count=1, rows=[1])

    first, second = deliver(action)

    assert first.status == Status.DELIVERED
    assert (second.status, second.error_code) == (Status.RETRYING, "UNABLE_TO_LOCK_ROW")


def test_it_gives_up_after_the_retry_window(sf, destination, source, settings):
    settings.DELIVERY_RETRY_HOURS = 0
    action = make_action(destination, "lead", "create")
    send(source, _lead_event())
    sf.org.faults.add("503", path="composite", count=1)

    [delivery] = deliver(action)

    assert delivery.status == Status.FAILED
    assert "gave up after 1 attempts" in delivery.error_message


def test_it_pauses_the_destination_when_the_quota_is_spent_without_spending_retries(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, _lead_event())
    sf.org.limits.max_override = sf.org.limits.used

    [delivery] = deliver(action)

    destination.refresh_from_db()
    assert destination.paused_until is not None and destination.paused_until > timezone.now()
    assert (delivery.status, delivery.attempts, delivery.error_code) == (
        Status.RETRYING,
        0,
        "REQUEST_LIMIT_EXCEEDED",
    )
    assert delivery.due_at == destination.paused_until
    assert sf.records("Lead") == []


def test_it_sends_nothing_while_the_destination_is_paused(sf, destination, source):
    destination.paused_until = timezone.now() + timedelta(minutes=5)
    destination.save()
    action = make_action(destination, "lead", "create")
    send(source, _lead_event())
    sf.reset_calls()

    [delivery] = deliver(action)

    assert delivery.status == Status.PENDING
    assert sf.api_calls() == 0
