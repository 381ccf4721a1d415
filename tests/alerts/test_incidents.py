"""One message when an incident starts and one when it ends, to a signed webhook and by email."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from alerts import signing
from alerts.incidents import check_all, forget_old
from alerts.models import AlertSettings, Incident, Notification
from alerts.sending import deliver_due
from deliveries.models import Delivery, Status
from destinations.models import ConnectionState
from tests.alerts.support import control, deliveries_with_failures, webhook_to
from tests.engine.conftest import deliver, identify, make_action, send

pytestmark = pytest.mark.django_db


def lead(n: int, domain: str = "x.io") -> dict[str, Any]:
    return identify(f"u{n}", email=f"u{n}@{domain}", last_name="L", company="C")


def reconnect_needed(destination: Any) -> datetime:
    """The destination needs reconnecting, and the check has seen it; when it looked."""
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()
    now = timezone.now()
    check_all(now)
    return now


def tick(minutes: float = 0) -> None:
    """What the scheduled task does every minute."""
    now = timezone.now() + timedelta(minutes=minutes)
    check_all(now)
    deliver_due(now)


def test_it_posts_one_signed_message_when_reconnecting_is_needed_and_one_when_it_is_over(
    sf, destination, source, receiver
) -> None:
    secret = webhook_to(destination, receiver.url)
    action = make_action(destination, "lead", "create")
    send(source, lead(1))
    control(sf, "/orgs/production/tokens/revoke")
    deliver(action)
    destination.refresh_from_db()
    assert destination.state == ConnectionState.NEEDS_RECONNECT

    tick()
    send(source, lead(2), lead(3))  # held meanwhile
    tick(1)
    tick(2)
    destination.state = ConnectionState.CONNECTED
    destination.save()
    tick(3)
    tick(4)
    tick(8)  # clear for the quiet period

    assert len(receiver.received) == 2
    for post in receiver.received:
        assert signing.is_valid(secret, post.body, post.headers[signing.HEADER])
        assert post.headers["Content-Type"] == "application/json"
    started, ended = (json.loads(p.body) for p in receiver.received)
    assert (started["type"], started["condition"]) == ("incident.started", "needs_reconnect")
    assert started["destination"]["name"] == "Acme production"
    assert (ended["type"], ended["condition"]) == ("incident.ended", "needs_reconnect")
    assert ended["digest"] == {"held": 2}
    assert "2 held" in ended["digest_line"]


def test_it_refuses_a_message_whose_signature_was_made_with_another_secret(sf, destination, receiver) -> None:
    webhook_to(destination, receiver.url)
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()

    tick()

    [post] = receiver.received
    assert not signing.is_valid("not-the-secret", post.body, post.headers[signing.HEADER])
    assert not signing.is_valid(
        AlertSettings.objects.get().webhook_secret, post.body + b" ", post.headers[signing.HEADER]
    )


def test_it_alerts_when_the_failed_share_of_the_last_hour_passes_the_threshold(
    sf, destination, source, receiver
) -> None:
    webhook_to(destination, receiver.url)
    deliveries_with_failures(sf, destination, source, good=18, bad=3)
    assert Delivery.objects.filter(status=Status.FAILED).count() == 3

    tick()

    [post] = receiver.received
    message = json.loads(post.body)
    assert message["condition"] == "failures"
    assert message["summary"].startswith("3 of 21 deliveries failed in the last hour")


@pytest.mark.parametrize(
    ("good", "bad"),
    [(18, 1), (5, 5)],  # 1 of 19 is under 10 %; 5 of 10 is under the minimum of 20
)
def test_it_stays_quiet_under_the_failure_threshold(sf, destination, source, receiver, good, bad) -> None:
    webhook_to(destination, receiver.url)
    deliveries_with_failures(sf, destination, source, good=good, bad=bad)

    tick()

    assert receiver.received == [] and not Incident.objects.exists()


def test_it_alerts_when_the_oldest_due_delivery_waits_too_long_and_ends_when_it_is_sent(
    sf, destination, source, receiver
) -> None:
    webhook_to(destination, receiver.url, lag_minutes=15)
    action = make_action(destination, "lead", "create")
    send(source, lead(1))
    Delivery.objects.update(due_at=timezone.now() - timedelta(minutes=16))

    tick()
    deliver(action)
    tick(1)
    tick(6)

    started, ended = (json.loads(p.body) for p in receiver.received)
    assert started["condition"] == "lag" and "waited 16 minutes (threshold 15)" in started["summary"]
    assert ended["type"] == "incident.ended"


def test_it_waits_for_the_lag_threshold(sf, destination, source, receiver) -> None:
    webhook_to(destination, receiver.url, lag_minutes=30)
    make_action(destination, "lead", "create")
    send(source, lead(1))
    Delivery.objects.update(due_at=timezone.now() - timedelta(minutes=16))

    tick()

    assert receiver.received == []


def test_it_retries_a_webhook_answering_500_with_backoff(sf, destination, receiver) -> None:
    webhook_to(destination, receiver.url)
    receiver.statuses[:] = [500, 500]
    now = reconnect_needed(destination)

    deliver_due(now)
    first = Notification.objects.get()
    deliver_due(now + timedelta(seconds=59))  # not yet due
    deliver_due(now + timedelta(seconds=61))
    second = Notification.objects.get()
    deliver_due(now + timedelta(seconds=61 + 119))  # not yet due
    deliver_due(now + timedelta(seconds=61 + 121))
    third = Notification.objects.get()

    assert len(receiver.received) == 3
    assert len({p.body for p in receiver.received}) == 1  # the same message each time
    assert (first.state, first.attempts, first.next_attempt_at) == ("pending", 1, now + timedelta(minutes=1))
    assert (second.attempts, second.next_attempt_at) == (2, now + timedelta(seconds=61, minutes=2))
    assert (third.state, third.attempts) == ("sent", 3)
    assert [a["status"] for a in third.attempt_log] == [500, 500, 200]


def test_it_gives_up_after_the_last_try(sf, destination, receiver) -> None:
    webhook_to(destination, receiver.url)
    receiver.statuses[:] = [503] * 20
    now = reconnect_needed(destination)

    for hour in range(0, 6 * 60, 1):
        deliver_due(now + timedelta(minutes=hour))

    notification = Notification.objects.get()
    assert (notification.state, notification.attempts) == ("failed", 7)
    assert len(receiver.received) == 7


def test_it_does_not_post_to_a_private_address_once_that_is_no_longer_allowed(
    sf, destination, receiver, settings
) -> None:
    webhook_to(destination, receiver.url)
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()

    tick()

    notification = Notification.objects.get()
    assert receiver.received == []
    assert "private, loopback or reserved address" in notification.attempt_log[0]["error"]


def test_it_emails_every_member_once_when_it_starts_and_once_when_it_ends(sf, destination, team) -> None:
    AlertSettings.objects.create(destination=destination, email_members=True)
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.state_reason = "Salesforce refused the refresh token"
    destination.save()

    tick()
    tick(1)
    destination.state = ConnectionState.CONNECTED
    destination.save()
    tick(2)
    tick(3)
    tick(7)

    assert len(mail.outbox) == 2
    started, ended = mail.outbox
    assert sorted(started.to) == ["member@example.com", "owner@example.com", "viewer@example.com"]
    assert started.subject == "Acme production: Needs reconnecting (started)"
    assert "Salesforce refused the refresh token" in started.body
    assert ended.subject == "Acme production: Needs reconnecting (resolved)"
    assert "While it lasted" in ended.body


def test_it_keeps_track_of_incidents_even_when_nobody_is_told(sf, destination) -> None:
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()

    tick()

    assert Incident.objects.filter(condition="needs_reconnect", ended_at=None).count() == 1
    assert not Notification.objects.exists()


def test_it_ends_the_incidents_of_a_destination_that_is_switched_off(sf, destination, receiver) -> None:
    webhook_to(destination, receiver.url)
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()
    tick()
    destination.enabled = False
    destination.save()

    tick(1)

    assert [json.loads(p.body)["type"] for p in receiver.received] == ["incident.started", "incident.ended"]


def test_it_forgets_incidents_that_ended_before_the_retention_period(sf, destination, settings) -> None:
    settings.DATA_RETENTION_DAYS = 30
    now = timezone.now()
    Incident.objects.create(
        destination=destination,
        condition="lag",
        started_at=now - timedelta(days=32),
        ended_at=now - timedelta(days=31),
    )
    recent = Incident.objects.create(
        destination=destination,
        condition="lag",
        started_at=now - timedelta(days=2),
        ended_at=now - timedelta(days=1),
    )
    ongoing = Incident.objects.create(
        destination=destination, condition="lag", started_at=now - timedelta(days=40)
    )

    assert forget_old(now) == 1

    assert set(Incident.objects.values_list("pk", flat=True)) == {recent.pk, ongoing.pk}


def test_it_opens_no_incident_for_a_destination_that_is_off(sf, destination, team) -> None:
    from destinations.models import Destination

    off = Destination.objects.create(
        workspace=team.workspace, name="Off", state=ConnectionState.NEEDS_RECONNECT
    )

    tick()

    assert not Incident.objects.filter(destination=off).exists()


def test_it_retries_an_email_the_mail_server_refused(sf, destination, settings) -> None:
    settings.EMAIL_BACKEND = "tests.alerts.support.RefusingMailServer"
    AlertSettings.objects.create(destination=destination, email_members=True)
    now = reconnect_needed(destination)

    deliver_due(now)
    refused = Notification.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_due(now + timedelta(minutes=1))
    sent = Notification.objects.get()

    assert (refused.state, refused.next_attempt_at) == ("pending", now + timedelta(minutes=1))
    assert "The mail server refused it: Connection unexpectedly closed" in refused.attempt_log[0]["error"]
    assert (sent.state, sent.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_it_ends_an_incident_only_after_the_quiet_period(sf, destination, receiver) -> None:
    webhook_to(destination, receiver.url)
    reconnect_needed(destination)
    destination.state = ConnectionState.CONNECTED
    destination.save()

    tick(1)  # clear from now on
    tick(5)
    assert [json.loads(p.body)["type"] for p in receiver.received] == ["incident.started"]
    tick(6)

    ended = json.loads(receiver.received[-1].body)
    assert ended["type"] == "incident.ended"
    incident = Incident.objects.get()
    assert incident.ended_at == incident.clear_since  # it ended when it cleared


def test_it_keeps_one_incident_when_the_condition_comes_back_within_the_quiet_period(
    sf, destination, receiver
) -> None:
    webhook_to(destination, receiver.url)
    reconnect_needed(destination)
    for minute in range(1, 30, 2):  # clear for a minute, back the next: hovering at the threshold
        destination.state = ConnectionState.CONNECTED if minute % 4 == 1 else ConnectionState.NEEDS_RECONNECT
        destination.save()
        tick(minute)

    assert [json.loads(p.body)["type"] for p in receiver.received] == ["incident.started"]
    assert Incident.objects.count() == 1


def test_a_webhook_address_that_gives_no_answer_is_tried_again_later(sf, destination) -> None:
    # A loopback port nothing listens on: the connection is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook_to(destination, f"http://127.0.0.1:{port}/hook")
    now = reconnect_needed(destination)

    deliver_due(now)

    message = Notification.objects.get()
    assert (message.state, message.attempts, message.next_attempt_at) == (
        "pending",
        1,
        now + timedelta(minutes=1),
    )
    assert message.attempt_log[-1]["status"] is None
    assert message.attempt_log[-1]["error"] == "No answer: ConnectionError"


def test_a_webhook_that_redirects_is_not_followed(sf, destination, receiver) -> None:
    webhook_to(destination, receiver.url)
    receiver.statuses[:] = [307]
    now = reconnect_needed(destination)

    deliver_due(now)

    message = Notification.objects.get()
    assert len(receiver.received) == 1
    assert (message.state, message.attempt_log[-1]["error"]) == ("pending", "Answered 307")
