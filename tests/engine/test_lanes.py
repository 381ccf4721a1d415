"""Lanes: one action sent by several senders at once, each on its own lane, with no duplicate."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from deliveries import doorbell, lease, recording, sender, tasks
from deliveries.interrupted import INTERRUPTED, WRITING
from deliveries.models import Attempt, Delivery, SenderLease, Status
from tests.engine.conftest import identify, make_action, path, send


def _upserts_by_external_id(destination):
    return make_action(destination, "lead", "upsert", matchers=[("External_Id__c", path("userId"))])


def test_deliveries_about_one_record_share_a_lane_and_records_spread_over_the_lanes(
    destination, source, settings
):
    settings.DELIVERY_LANES = 4
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(source, *(identify(f"u{n}", last_name="L", company="C", email=f"p{n}@x.io") for n in range(40)))
    send(source, *(identify(f"v{n}", last_name="M", company="C", email=f" P{n}@X.IO") for n in range(40)))

    lanes: dict[str, set[int]] = {}
    for delivery in Delivery.objects.filter(action=action).select_related("event"):
        email = delivery.event.payload["traits"]["email"].strip().lower()
        lanes.setdefault(email, set()).add(delivery.lane)
    assert all(len(found) == 1 for found in lanes.values())
    assert {lane for found in lanes.values() for lane in found} == {0, 1, 2, 3}


def test_a_bulk_action_keeps_one_lane(destination, source, settings):
    settings.DELIVERY_LANES = 4
    action = _upserts_by_external_id(destination)
    action.use_bulk = True
    action.save()
    send(source, *(identify(f"u{n}", last_name="L", company="C") for n in range(20)))

    assert set(Delivery.objects.filter(action=action).values_list("lane", flat=True)) == {0}


def test_two_workers_never_hold_one_lane(transactional_db, destination):
    action = make_action(destination, "lead", "create")
    lease.ensure_rows(str(action.pk), [0, 1])
    start = threading.Barrier(6, timeout=10)
    tokens: list[tuple[int, str | None]] = []

    def take(lane: int) -> None:
        try:
            start.wait()
            tokens.append((lane, lease.acquire(str(action.pk), lane)))
        finally:
            connection.close()

    workers = [threading.Thread(target=take, args=(n % 2,)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # One holder per lane, and each lane has one.
    assert sorted(lane for lane, token in tokens if token is not None) == [0, 1]
    held = {row.lane: row.token for row in SenderLease.objects.filter(action=action)}
    assert held == {lane: token for lane, token in tokens if token is not None}


def test_two_lanes_of_one_action_are_sent_at_once_with_no_record_twice(
    transactional_db, sf, destination, source, settings
):
    settings.DELIVERY_LANES = 2
    # One call at a time per sender: any overlap comes from the two lanes.
    destination.concurrent_calls = 1
    destination.save(update_fields=["concurrent_calls"])
    settings.DELIVERY_CHUNK_SIZE = 10
    action = _upserts_by_external_id(destination)
    # Each record twice: a first version, then a second.
    send(source, *(identify(f"u{n}", last_name=f"First{n}", company="C") for n in range(30)))
    send(source, *(identify(f"u{n}", last_name=f"Second{n}", company="C") for n in range(30)))
    assert set(Delivery.objects.filter(action=action).values_list("lane", flat=True)) == {0, 1}
    sf.control(
        "POST",
        "/faults",
        json={"kind": "latency", "path": "/composite/sobjects", "seconds": 0.3, "count": 100},
    )
    sf.control("DELETE", "/concurrency")
    errors: list[BaseException] = []

    def lane_sender(lane: int) -> None:
        try:
            sender.run(str(action.pk), lane=lane)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    senders = [threading.Thread(target=lane_sender, args=(lane,)) for lane in (0, 1)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()

    assert errors == []
    assert sf.control("GET", "/concurrency")["peak"] == 2
    assert set(Delivery.objects.filter(action=action).values_list("status", flat=True)) == {Status.DELIVERED}
    leads = sf.records("Lead")
    assert sorted(r["External_Id__c"] for r in leads) == sorted(f"u{n}" for n in range(30))
    # In each record's lane its versions went out in order: the second wins.
    assert {r["External_Id__c"]: r["LastName"] for r in leads} == {f"u{n}": f"Second{n}" for n in range(30)}


@pytest.mark.parametrize("lane", [0, 1])
def test_a_sender_sends_only_its_own_lane(sf, destination, source, settings, lane):
    settings.DELIVERY_LANES = 2
    action = _upserts_by_external_id(destination)
    send(source, *(identify(f"u{n}", last_name=f"L{n}", company="C") for n in range(20)))

    sender.run(str(action.pk), lane=lane)

    sent = Delivery.objects.filter(action=action, status=Status.DELIVERED)
    assert set(sent.values_list("lane", flat=True)) == {lane}
    assert Delivery.objects.filter(action=action).exclude(lane=lane).exclude(status=Status.DELIVERED).exists()


def test_a_killed_lanes_sender_is_taken_over_within_a_minute_while_the_other_lane_goes_on(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_LANES = 2
    action = _upserts_by_external_id(destination)
    send(source, *(identify(f"u{n}", last_name=f"L{n}", company="C") for n in range(20)))
    # Lane 1's sender took its lease, marked its chunk as being written, and was killed.
    token = lease.acquire(str(action.pk), 1)
    assert token is not None
    killed = list(Delivery.objects.filter(action=action, lane=1))
    for attempt in recording.start_attempts(action, killed):
        Attempt.objects.filter(pk=attempt.pk).update(outcome=WRITING)
    killed_at = timezone.now()
    Delivery.objects.filter(pk__in=[d.pk for d in killed]).update(updated_at=killed_at)

    # The other lane is not held up.
    sender.run(str(action.pk), lane=0)
    assert set(Delivery.objects.filter(action=action, lane=0).values_list("status", flat=True)) == {
        Status.DELIVERED
    }
    # The sweep schedules a look for the moment lane 1's lease runs out: well within a minute.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep()
    [look] = Schedule.objects.filter(func=doorbell.SEND_TASK, args=repr(doorbell.address(str(action.pk), 1)))
    assert look.next_run - killed_at <= lease.LEASE + timedelta(seconds=1) < timedelta(seconds=60)
    # Before then, a sender of lane 1 finds the lease taken and sends nothing.
    sf.reset_calls()
    sender.run(str(action.pk), lane=1)
    assert sf.api_calls() == 0

    # At the lease's end the look takes over: the writes of unknown outcome are
    # not sent blindly again, but looked up after Salesforce's time limit.
    SenderLease.objects.filter(action=action, lane=1).update(until=timezone.now() - timedelta(seconds=1))
    tasks.send_action(look.args.strip("'"))
    assert sf.api_calls() == 0
    after = Delivery.objects.filter(action=action, lane=1)
    assert {(d.status, d.error_message) for d in after} == {(Status.RETRYING, INTERRUPTED)}
    assert SenderLease.objects.get(action=action, lane=1).until is None
