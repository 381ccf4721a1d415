"""A REST chunk smaller than one Collections call waits a moment for more deliveries to join it."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django_q.models import Schedule

from deliveries import doorbell, lease, tasks
from deliveries.models import Delivery, SenderLease, Status
from tests.engine.conftest import identify, make_action, send


def _lead_creates(destination, settings):
    settings.DELIVERY_LANES = 1
    settings.DELIVERY_REST_LINGER_MS = 1000
    return make_action(destination, "lead", "create", trigger='type = "identify"')


def _queued_send(action, capture) -> None:
    """The lane's send as the queue runs it, its follow-ups scheduled as after a commit."""
    with capture(execute=True):
        tasks.send_action(doorbell.address(str(action.pk), 0))


def _statuses(action) -> list[str]:
    return list(Delivery.objects.filter(action=action).order_by("id").values_list("status", flat=True))


def test_a_small_fresh_chunk_waits_then_goes_in_one_write_with_what_joined_it(
    sf, destination, source, settings, django_capture_on_commit_callbacks, monkeypatch
):
    action = _lead_creates(destination, settings)
    send(source, *(identify(f"a{n}", last_name="L", company="C") for n in range(3)))
    sf.reset_calls()

    _queued_send(action, django_capture_on_commit_callbacks)

    # Nothing went to Salesforce yet; the lane is woken when the oldest has waited a second.
    assert sf.api_calls() == 0
    assert _statuses(action) == [Status.PENDING] * 3
    oldest = Delivery.objects.filter(action=action).order_by("due_at")[0]
    (follow_up,) = Schedule.objects.filter(func=doorbell.SEND_TASK)
    assert follow_up.next_run == oldest.due_at + timedelta(seconds=1)
    # Until then, intake's doorbell queues no task per request for the lane: the follow-up wakes it.
    queued = []
    monkeypatch.setattr(doorbell, "async_task", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        doorbell.ring([(str(action.pk), 0)])
    assert queued == []

    # More arrive meanwhile; once the oldest has waited its second, all go in one Collections call.
    send(source, *(identify(f"b{n}", last_name="L", company="C") for n in range(4)))
    Delivery.objects.filter(action=action).update(due_at=oldest.due_at - timedelta(seconds=2))
    _queued_send(action, django_capture_on_commit_callbacks)

    assert _statuses(action) == [Status.DELIVERED] * 7
    assert sf.api_calls() == 1
    assert len(sf.records("Lead")) == 7


def test_a_chunk_that_fills_a_collections_call_goes_at_once(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    action = _lead_creates(destination, settings)
    for start in range(0, 200, 100):
        send(source, *(identify(f"c{n}", last_name="L", company="C") for n in range(start, start + 100)))
    sf.reset_calls()

    _queued_send(action, django_capture_on_commit_callbacks)

    assert _statuses(action) == [Status.DELIVERED] * 200
    assert sf.api_calls() == 1


def test_no_linger_sends_a_small_chunk_at_once(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    action = _lead_creates(destination, settings)
    settings.DELIVERY_REST_LINGER_MS = 0
    send(source, identify("d1", last_name="L", company="C"))

    _queued_send(action, django_capture_on_commit_callbacks)

    assert _statuses(action) == [Status.DELIVERED]


def _ripe_in_two_lanes(action, source, settings) -> None:
    settings.DELIVERY_LANES = 2
    send(source, *(identify(f"e{n}", last_name="L", company="C") for n in range(20)))
    Delivery.objects.filter(action=action).update(due_at=timezone.now() - timedelta(seconds=2))
    assert set(Delivery.objects.filter(action=action).values_list("lane", flat=True)) == {0, 1}


def test_a_ripe_small_chunk_takes_the_other_lanes_along_in_one_write(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    action = _lead_creates(destination, settings)
    _ripe_in_two_lanes(action, source, settings)
    sf.reset_calls()

    _queued_send(action, django_capture_on_commit_callbacks)

    # Lane 0's sender sent lane 1's deliveries too, in the same Collections call, and gave its lease back.
    assert _statuses(action) == [Status.DELIVERED] * 20
    assert sf.api_calls() == 1
    assert list(SenderLease.objects.filter(action=action).values_list("lane", "token")) in (
        [(0, ""), (1, "")],
        [(1, ""), (0, "")],
    )


def test_a_lane_another_sender_holds_is_left_to_it(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    action = _lead_creates(destination, settings)
    _ripe_in_two_lanes(action, source, settings)
    held = lease.acquire(str(action.pk), 1)
    assert held is not None

    _queued_send(action, django_capture_on_commit_callbacks)

    by_lane = dict(
        Delivery.objects.filter(action=action)
        .values_list("lane")
        .annotate(n=Count("id"))
        .values_list("lane", "n")
    )
    sent = dict(
        Delivery.objects.filter(action=action, status=Status.DELIVERED)
        .values_list("lane")
        .annotate(n=Count("id"))
        .values_list("lane", "n")
    )
    assert sent == {0: by_lane[0]}
    assert SenderLease.objects.get(action=action, lane=1).token == held


def test_the_lanes_of_an_action_wait_as_one_and_lane_0s_follow_up_sends_them_all(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    action = _lead_creates(destination, settings)
    settings.DELIVERY_LANES = 2
    send(source, *(identify(f"f{n}", last_name="L", company="C") for n in range(20)))
    other = Delivery.objects.filter(action=action).exclude(lane=0).values_list("lane", flat=True).first()
    assert other == 1
    sf.reset_calls()

    # Lane 1's sender finds its chunk small and fresh: one follow-up, for the action's lane 0.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_action(doorbell.address(str(action.pk), 1))
    assert sf.api_calls() == 0
    assert list(Schedule.objects.filter(func=doorbell.SEND_TASK).values_list("args", flat=True)) == [
        repr(doorbell.address(str(action.pk), 0))
    ]

    # When it comes, lane 0's sender sends both lanes in one Collections call.
    Delivery.objects.filter(action=action).update(due_at=timezone.now() - timedelta(seconds=2))
    Delivery.objects.filter(action=action, lane=0).delete()
    _queued_send(action, django_capture_on_commit_callbacks)

    assert set(_statuses(action)) == {Status.DELIVERED}
    assert sf.api_calls() == 1


def test_a_quiet_lane_is_rung_again_from_its_ripe_time_on(
    destination, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # A lane that waits must not miss a burst routed to it: past its ripe
    # time intake's doorbell queues its task again, follow-up or not.
    action = _lead_creates(destination, settings)
    queued = []
    monkeypatch.setattr(doorbell, "async_task", lambda *args: queued.append(args))
    lane = (str(action.pk), 0)
    lease.ensure_rows(str(action.pk), [0])

    doorbell.quiet_until(str(action.pk), 0, timezone.now() + timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        doorbell.ring([lane])
    assert queued == []

    doorbell.quiet_until(str(action.pk), 0, timezone.now() - timedelta(milliseconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        doorbell.ring([lane])
    assert queued == [(doorbell.SEND_TASK, doorbell.address(str(action.pk), 0))]


def _send_many(source, prefix: str, count: int) -> None:
    for start in range(0, count, 100):
        send(
            source,
            *(
                identify(f"{prefix}{n}", last_name="L", company="C")
                for n in range(start, min(count, start + 100))
            ),
        )


def test_a_busy_action_takes_no_lane_along_and_lets_no_lane_wait(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    # A backlog: each lane's sender sends its own, so that they all work at once.
    action = _lead_creates(destination, settings)
    settings.DELIVERY_LANES = 2
    _send_many(source, "g", 500)
    Delivery.objects.filter(action=action, lane=0).exclude(
        pk__in=Delivery.objects.filter(action=action, lane=0).order_by("id").values("pk")[:10]
    ).delete()
    assert Delivery.objects.filter(action=action, lane=1).count() >= 200
    sf.reset_calls()

    _queued_send(action, django_capture_on_commit_callbacks)

    assert (
        list(Delivery.objects.filter(action=action, lane=0).values_list("status", flat=True))
        == [Status.DELIVERED] * 10
    )
    assert set(Delivery.objects.filter(action=action, lane=1).values_list("status", flat=True)) == {
        Status.PENDING
    }
    assert sf.api_calls() == 1


def test_a_chunk_sends_whole_collections_calls_and_its_fresh_remainder_waits_for_company(
    sf, destination, source, settings, django_capture_on_commit_callbacks
):
    action = _lead_creates(destination, settings)
    _send_many(source, "h", 230)
    sf.reset_calls()

    _queued_send(action, django_capture_on_commit_callbacks)

    # 200 in one call; the newest 30 would have cost a call of their own.
    statuses = _statuses(action)
    assert statuses == [Status.DELIVERED] * 200 + [Status.PENDING] * 30
    assert sf.api_calls() == 1

    Delivery.objects.filter(action=action, status=Status.PENDING).update(
        due_at=timezone.now() - timedelta(seconds=2)
    )
    _queued_send(action, django_capture_on_commit_callbacks)

    assert _statuses(action) == [Status.DELIVERED] * 230
    assert sf.api_calls() == 2
