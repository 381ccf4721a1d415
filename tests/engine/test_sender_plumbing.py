"""The sender's lease, the doorbell and the sweep, pruning."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.test import TestCase
from django.utils import timezone
from django_q.models import Schedule

from deliveries import doorbell, lease, recording, sender, tasks
from deliveries.doorbell import _enqueue
from deliveries.interrupted import WRITING
from deliveries.models import Attempt, Delivery, Status
from deliveries.pruning import prune_old_events
from sources.models import Event
from tests.engine.conftest import deliver, identify, lane_lease, make_action, path, send


def test_it_lets_only_one_sender_hold_an_action(destination):
    action = make_action(destination, "lead", "create")

    first = lease.acquire(str(action.pk))
    second = lease.acquire(str(action.pk))

    assert first is not None
    assert second is None


def test_it_takes_over_an_expired_lease(destination):
    action = make_action(destination, "lead", "create")
    lane_lease(action).update(until=timezone.now() - timedelta(seconds=1), token="dead")

    assert lease.acquire(str(action.pk)) is not None


@pytest.fixture
def queued(monkeypatch):
    """The tasks the doorbell hands to the queue, whatever the broker."""
    tasks_queued = []
    monkeypatch.setattr(doorbell, "async_task", lambda func, *args: tasks_queued.append((func, *args)))
    return tasks_queued


def test_it_queues_one_task_per_action_until_it_starts(destination, queued):
    action = make_action(destination, "lead", "create")

    _enqueue([str(action.pk)])
    _enqueue([str(action.pk)])

    assert queued == [("deliveries.tasks.send_action", f"{action.pk}:0")]
    sender.run(str(action.pk))
    _enqueue([str(action.pk)])
    assert len(queued) == 2


def test_it_queues_again_once_a_queued_task_looks_lost(destination, queued):
    action = make_action(destination, "lead", "create")
    _enqueue([str(action.pk)])
    lane_lease(action.pk).update(wake_queued_at=timezone.now() - timedelta(minutes=2))

    _enqueue([str(action.pk)])

    assert len(queued) == 2


def test_it_sweeps_up_actions_with_due_deliveries(destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("u", last_name="L", company="C"))
    lane_lease(action.pk).update(wake_queued_at=None)

    assert tasks.sweep() == 1


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_delivery_once_with_two_workers(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, *(identify(f"u{n}", last_name=f"L{n}", company="C") for n in range(30)))

    def worker():
        try:
            sender.run(str(action.pk))
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(2)]

    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    assert len(sf.records("Lead")) == 30
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.DELIVERED}


def test_it_prunes_old_events_whose_deliveries_are_final_only(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("done", last_name="L", company="C"), identify("waiting", last_name="W"))
    deliver(action)
    Delivery.objects.filter(event__user_id="waiting").update(status=Status.RETRYING)
    Event.objects.update(received_at=timezone.now() - timedelta(days=40))

    assert prune_old_events(days=30) == 1
    assert list(Event.objects.values_list("user_id", flat=True)) == ["waiting"]


@pytest.mark.parametrize("blocked", ["paused", "disabled", "disconnected"])
def test_it_returns_at_once_when_the_destination_cannot_send(destination, source, blocked):
    action = make_action(destination, "lead", "create")
    send(source, identify("u", last_name="L", company="C"))
    if blocked == "paused":
        destination.paused_until = timezone.now() + timedelta(minutes=5)
    elif blocked == "disabled":
        destination.enabled = False
    else:
        destination.state = "needs_reconnect"
    destination.save()

    assert sender.send_chunk(str(action.pk)) is sender.Step.BLOCKED
    sender.run(str(action.pk))
    assert lane_lease(action.pk).get().until is None


def test_it_hands_a_long_backlog_to_a_fresh_task(
    destination, source, settings, queued, django_capture_on_commit_callbacks
):
    settings.DELIVERY_CHUNK_SIZE = 2
    action = make_action(destination, "lead", "create")
    send(source, *(identify(f"u{n}", last_name="L", company="C") for n in range(5)))

    with django_capture_on_commit_callbacks(execute=True):
        sender.run(str(action.pk), max_seconds=0)

    # Out of time before its first call: nothing sent, nothing spent, all still due.
    assert list(Delivery.objects.values_list("status", "attempts").distinct()) == [(Status.PENDING, 0)]
    assert queued == [("deliveries.tasks.send_action", f"{action.pk}:0")]
    assert lane_lease(action.pk).get().until is None


def _interrupted_chunk(action, source, minutes_ago):
    """A chunk a worker marked sending, then died before recording the answer."""
    send(source, identify("u", last_name="L", company="C"))
    [delivery] = Delivery.objects.filter(action=action)
    [attempt] = recording.start_attempts(action, [delivery])
    past = timezone.now() - timedelta(minutes=minutes_ago)
    Delivery.objects.filter(pk=delivery.pk).update(last_attempt_at=past)
    lane_lease(action.pk).update(until=past + lease.LEASE, wake_queued_at=None)
    return delivery, attempt


def test_the_sweep_sends_again_what_a_dead_worker_left_sending(sf, destination, source, queued):
    action = make_action(destination, "lead", "create")
    delivery, attempt = _interrupted_chunk(action, source, minutes_ago=6)

    assert tasks.sweep() == 1

    delivery.refresh_from_db()
    attempt.refresh_from_db()
    assert delivery.status == Status.RETRYING and "interrupted" in delivery.error_message
    assert attempt.outcome == "interrupted"
    [sent] = deliver(action)
    assert sent.status == Status.DELIVERED and sent.attempts == 2
    assert len(sf.records("Lead")) == 1


def test_the_sweep_leaves_a_send_whose_lease_still_runs(destination, source, queued):
    action = make_action(destination, "lead", "create")
    delivery, _ = _interrupted_chunk(action, source, minutes_ago=6)
    # The sender renewed its lease: it is still working on the chunk.
    lane_lease(action.pk).update(until=timezone.now() + timedelta(minutes=1))

    assert tasks.sweep() == 0

    delivery.refresh_from_db()
    assert delivery.status == Status.SENDING


def test_the_sweep_leaves_a_recent_send(destination, source, queued):
    action = make_action(destination, "lead", "create")
    lane_lease(action.pk).update(until=None)
    delivery, _ = _interrupted_chunk(action, source, minutes_ago=0.2)
    lane_lease(action.pk).update(until=None)

    assert tasks.sweep() == 0

    delivery.refresh_from_db()
    assert delivery.status == Status.SENDING


def test_the_sweep_looks_again_when_the_lease_of_a_send_in_progress_would_run_out(
    destination, source, queued
):
    action = make_action(destination, "lead", "create")
    _interrupted_chunk(action, source, minutes_ago=0.2)
    lease_until = lane_lease(action.pk).get().until
    assert lease_until is not None

    with TestCase.captureOnCommitCallbacks(execute=True):
        tasks.sweep()

    [look] = Schedule.objects.filter(func=doorbell.SEND_TASK, args=repr(f"{action.pk}:0"))
    # Within a second of the lease's end: a killed sender is taken over then, not a minute later.
    assert lease_until < look.next_run <= lease_until + timedelta(seconds=1)


def test_a_write_a_dead_worker_left_unanswered_is_looked_up_again_only_after_salesforces_time_limit(
    destination, source, queued
):
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    delivery, attempt = _interrupted_chunk(action, source, minutes_ago=6)
    Attempt.objects.filter(pk=attempt.pk).update(outcome=WRITING)
    write_started = timezone.now() - timedelta(minutes=6)
    Delivery.objects.filter(pk=delivery.pk).update(updated_at=write_started)

    tasks.sweep()

    delivery.refresh_from_db()
    limit = timedelta(seconds=settings.SALESFORCE_REQUEST_TIME_LIMIT_SECONDS)
    assert delivery.status == Status.RETRYING
    assert delivery.due_at >= write_started + limit


def test_the_heartbeat_renews_the_lease_while_its_sender_works(transactional_db, destination):
    action = make_action(destination, "lead", "create")
    token = lease.acquire(str(action.pk))
    assert token is not None
    first = _lease_until(action)

    with lease.Heartbeat(str(action.pk), token, every=0.05) as heartbeat:
        for _ in range(200):
            if _lease_until(action) > first:
                break
            threading.Event().wait(0.02)
        assert heartbeat.fresh()

    assert _lease_until(action) > first
    lease.release(str(action.pk), token)
    assert lane_lease(action.pk).get().until is None


def _lease_until(action):
    until = lane_lease(action.pk).get().until
    assert until is not None
    return until


def test_the_release_survives_a_connection_the_database_dropped(transactional_db, destination, monkeypatch):
    action = make_action(destination, "lead", "create")
    token = lease.acquire(str(action.pk))
    assert token is not None
    closed: list[bool] = []
    real_close, real_update = connection.close, QuerySet.update

    def dropped_once(self, **changes):
        if not closed:
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **changes)

    monkeypatch.setattr(QuerySet, "update", dropped_once)

    def close() -> None:
        closed.append(True)
        real_close()

    monkeypatch.setattr(connection, "close", close)

    lease.release(str(action.pk), token)

    monkeypatch.undo()
    assert closed == [True]
    assert _lease_until_or_none(action) is None


def _lease_until_or_none(action):
    return lane_lease(action.pk).get().until
