"""Replaying stored events through an action, against the emulator: each event once, twice nothing new."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django_q.models import Schedule

from actions import archiving
from actions.models import Action
from deliveries.models import Delivery, Status
from replays import dry_run, running
from replays.models import ReplayState
from replays.selection import ReplayRefused
from sources.provisioning import create_source
from tests.conftest import KeyedSource
from tests.engine.conftest import deliver, identify, make_action, send
from tests.replays.conftest import around_now, replay_now

pytestmark = pytest.mark.django_db


def lead(n: int) -> dict[str, Any]:
    return identify(f"user-{n}", email=f"user{n}@example.com", last_name=f"Last {n}", company="Acme")


def test_it_backfills_a_new_action_with_each_of_1000_stored_events_once(sf, destination, source) -> None:
    for first in range(0, 1000, 500):
        send(source, *(lead(n) for n in range(first, first + 500)))
    action = make_action(destination, "lead", "create", name="Backfilled leads")
    assert not Delivery.objects.filter(action=action).exists()

    replay = replay_now(action)
    delivered = deliver(action)

    assert (replay.state, replay.matched, replay.created) == (ReplayState.DONE, 1000, 1000)
    assert len(delivered) == 1000
    assert {d.status for d in delivered} == {Status.DELIVERED}
    assert all(d.replay_id == replay.pk for d in delivered)
    assert len({d.event_id for d in delivered}) == 1000
    emails = sorted(r["Email"] for r in sf.records("Lead"))
    assert emails == sorted(f"user{n}@example.com" for n in range(1000))


def test_it_sends_nothing_new_when_the_same_replay_runs_twice(sf, destination, source) -> None:
    send(source, *(lead(n) for n in range(30)))
    action = make_action(destination, "lead", "create")
    replay_now(action)
    deliver(action)
    sf.reset_calls()

    again = replay_now(action)
    deliver(action)

    assert (again.matched, again.created) == (30, 0)
    assert Delivery.objects.filter(action=action).count() == 30
    assert sf.api_calls() == 0
    assert len(sf.records("Lead")) == 30


def test_it_sends_again_what_was_sent_when_forced(sf, destination, source) -> None:
    send(source, *(lead(n) for n in range(5)))
    action = make_action(destination, "lead", "create")
    replay_now(action)
    deliver(action)

    forced = replay_now(action, force=True)
    deliver(action)

    assert forced.created == 5
    assert len(sf.records("Lead")) == 10


def test_it_resyncs_an_edited_action_whose_events_were_routed_and_sent(sf, destination, source) -> None:
    action = make_action(destination, "lead", "create")
    send(source, *(lead(n) for n in range(4)))
    deliver(action)
    assert replay_now(action).created == 0  # unchanged since it sent them

    action.fields = {**action.fields, "Company": "Renamed Inc"}
    action.save()
    resync = replay_now(action)
    deliver(action)

    assert resync.created == 4
    replayed = Delivery.objects.filter(action=action, replay=resync)
    assert {d.status for d in replayed} == {Status.DELIVERED}
    assert sorted(r["Company"] for r in sf.records("Lead")) == ["Acme"] * 4 + ["Renamed Inc"] * 4


def test_it_counts_what_the_trigger_takes_in_a_dry_run_without_a_call_or_a_write(
    sf, destination, source
) -> None:
    send(source, *(lead(n) for n in range(3)), {"type": "track", "userId": "u", "event": "Clicked"})
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    sf.reset_calls()
    start, end = around_now()

    counted = dry_run.count(action, start, end)

    assert (counted.total, counted.looked_at, counted.matched, counted.already_sent) == (4, 4, 3, 0)
    assert counted.complete and counted.to_send(force=False) == 3
    assert sf.api_calls() == 0
    assert not Delivery.objects.filter(action=action).exists()


def test_it_counts_events_already_sent_apart(sf, destination, source) -> None:
    send(source, *(lead(n) for n in range(3)))
    action = make_action(destination, "lead", "create")
    replay_now(action)
    start, end = around_now()

    counted = dry_run.count(action, start, end)

    assert (counted.matched, counted.already_sent) == (3, 3)
    assert (counted.to_send(force=False), counted.to_send(force=True)) == (0, 3)


def test_it_stops_a_dry_run_at_its_time_budget_and_says_the_count_is_partial(destination, source) -> None:
    send(source, *(lead(n) for n in range(600)))
    action = make_action(destination, "lead", "create")
    start, end = around_now()

    counted = dry_run.count(action, start, end, budget_seconds=0)

    assert counted.total == 600 and counted.looked_at < 600
    assert not counted.complete


def test_it_takes_only_the_chosen_sources_events(sf, destination, source, team) -> None:
    other, other_key = create_source(team.workspace, "app")
    destination.sources.add(other)
    send(source, lead(1))
    send(KeyedSource(other, other_key), lead(2), lead(3))
    action = make_action(destination, "lead", "create")

    replay = replay_now(action, source=other)

    assert replay.created == 2
    assert {d.event.source_id for d in Delivery.objects.filter(action=action)} == {other.pk}


def test_it_refuses_a_source_the_destination_does_not_take(destination, source, team) -> None:
    stranger, _ = create_source(team.workspace, "not connected")
    action = make_action(destination, "lead", "create")
    start, end = around_now()

    with pytest.raises(ReplayRefused, match="does not take events from not connected"):
        running.start(action, start, end, stranger, queue=False)


def test_it_refuses_a_range_that_ends_before_it_starts(destination) -> None:
    action = make_action(destination, "lead", "create")
    start, end = around_now()

    with pytest.raises(ReplayRefused, match="before its end"):
        dry_run.count(action, end, start)


def test_it_refuses_a_second_replay_of_an_action_while_one_runs(destination) -> None:
    action = make_action(destination, "lead", "create")
    start, end = around_now()
    running.start(action, start, end, queue=False)

    with pytest.raises(ReplayRefused, match="already running"):
        running.start(action, start, end, queue=False)


def test_it_refuses_an_action_that_is_off(destination) -> None:
    action = make_action(destination, "lead", "create", enabled=False)
    start, end = around_now()

    with pytest.raises(ReplayRefused, match="switch it on"):
        running.start(action, start, end, queue=False)


def test_it_holds_replayed_deliveries_of_a_destination_that_needs_reconnecting(destination, source) -> None:
    send(source, lead(1))
    action = make_action(destination, "lead", "create")
    destination.state = "needs_reconnect"
    destination.save()

    replay_now(action)

    assert list(Delivery.objects.filter(action=action).values_list("status", flat=True)) == [Status.HELD]


def test_it_resumes_an_interrupted_replay_after_the_last_page_it_committed(destination, source) -> None:
    send(source, *(lead(n) for n in range(700)))
    action = make_action(destination, "lead", "create")
    start, end = around_now()
    made = running.start(action, start, end, queue=False)
    pages: list[int] = []

    class Crash(Exception):
        pass

    def crash_after_first_page(replay: Any) -> None:
        pages.append(replay.looked_at)
        raise Crash

    with pytest.raises(Crash):
        running.run(made.pk, on_page=crash_after_first_page)
    finished = running.run(made.pk)

    assert pages == [500]
    assert (finished.looked_at, finished.created) == (700, 700)
    assert Delivery.objects.filter(action=action).count() == 700


def test_it_queues_again_a_replay_that_stopped_moving_and_it_resumes(
    destination, source, monkeypatch
) -> None:
    send(source, *(lead(n) for n in range(3)))
    action = make_action(destination, "lead", "create")
    start, end = around_now()
    made = running.start(action, start, end, queue=False)  # its task is lost
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(running, "async_task", lambda func, pk: queued.append((func, pk)))
    later = timezone.now() + running.STALLED_AFTER + timedelta(seconds=1)

    assert running.resume_stalled(timezone.now()) == 0  # not stalled yet
    assert running.resume_stalled(later) == 1
    assert running.resume_stalled(later) == 0  # claimed: queued once
    assert queued == [(running.RUN_TASK, made.pk)]
    assert running.run(made.pk).created == 3


def test_it_resumes_replays_every_five_minutes_through_the_schedule() -> None:
    # Installed by a data migration; a transactional test run before this
    # one may have flushed it, so the migration's own step is run again.
    installing = import_module("replays.migrations.0002_resume_stalled_schedule")
    Schedule.objects.filter(name=installing.NAME).delete()
    installing.install(django_apps, None)
    schedule = Schedule.objects.get(func="replays.tasks.resume_stalled")

    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 5, -1)


def test_it_stops_when_the_action_is_deleted_during_the_replay(destination, source) -> None:
    send(source, *(lead(n) for n in range(700)))
    action = make_action(destination, "lead", "create")
    start, end = around_now()
    made = running.start(action, start, end, queue=False)

    def delete_the_action(_replay: Any) -> None:
        archiving.archive(Action.objects.get(pk=action.pk))

    stopped = running.run(made.pk, on_page=delete_the_action)

    assert (stopped.state, stopped.created) == (ReplayState.FAILED, 500)
    assert "switched off or deleted during the replay" in stopped.error
    assert Delivery.objects.filter(action=action).count() == 500
    assert not Delivery.objects.filter(action=action, status__in=[Status.PENDING, Status.RETRYING]).exists()
