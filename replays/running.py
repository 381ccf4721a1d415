"""Making a replay's deliveries, in the background, a page of events at a time.

The trigger runs outside any transaction; each page's deliveries and the
replay's progress are then written in one short transaction, so an
interrupted replay resumes after the last page it committed and never makes
a delivery twice. One replay of an action runs at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from actions.models import Action
from deliveries.doorbell import ring
from deliveries.models import Delivery, Status
from deliveries.router import lane_for
from destinations.models import ConnectionState
from replays.models import ACTIVE_STATES, Replay, ReplayState
from replays.selection import ReplayRefused, already_sent, events_in_range, pages, taker
from sources.models import Source

RUN_TASK = "replays.tasks.run_replay"
# A task stops after this long and queues the rest, well inside the queue's timeout.
SLICE_SECONDS = 120.0
# An active replay that has not moved for this long was lost (its worker died
# or its task was dropped): it is queued again, and resumes where it stopped.
STALLED_AFTER = timedelta(minutes=10)
STOPPED = "The action was switched off or deleted during the replay; the deliveries made until then stay."


def start(
    action: Action,
    start: datetime,
    end: datetime,
    source: Source | None = None,
    *,
    force: bool = False,
    requested_by: AbstractBaseUser | AnonymousUser | None = None,
    queue: bool = True,
) -> Replay:
    """Record a replay and, with ``queue``, queue it once committed (raises ``ReplayRefused``).

    Without ``queue`` the caller runs it (the command does, to print progress).
    """
    if action.is_archived:
        raise ReplayRefused("The action is deleted: restore it first.")
    if not action.enabled:
        raise ReplayRefused("The action is off: switch it on first, or its deliveries would not be sent.")
    events = events_in_range(action, start, end, source)
    taker(action)  # refuses an action without a readable trigger
    with transaction.atomic():
        # The action's row is the lock that keeps one replay per action at a time.
        Action.objects.select_for_update().filter(pk=action.pk).exists()
        if Replay.objects.filter(action=action, state__in=ACTIVE_STATES).exists():
            raise ReplayRefused("A replay of this action is already running: wait for it to finish.")
        replay = Replay.objects.create(
            action=action,
            source=source,
            start=start,
            end=end,
            force=force,
            total=events.count(),
            requested_by_id=requested_by.pk if requested_by is not None else None,
        )
        if queue:
            transaction.on_commit(lambda: async_task(RUN_TASK, replay.pk))
    return replay


def run(
    replay_id: int,
    *,
    slice_seconds: float | None = SLICE_SECONDS,
    on_page: Callable[[Replay], None] | None = None,
) -> Replay:
    """Make the replay's deliveries from where it stopped.

    After ``slice_seconds`` (None: no limit) the rest is queued as a new task,
    so no task outlives the queue's timeout. ``on_page`` sees the progress.
    """
    replay = Replay.objects.select_related("action__destination", "source").get(pk=replay_id)
    if replay.state not in ACTIVE_STATES:
        return replay
    action = replay.action
    try:
        events = events_in_range(action, replay.start, replay.end, replay.source)
        takes = taker(action)
    except ReplayRefused as exc:
        return _finish(replay, ReplayState.FAILED, str(exc))
    replay.state = ReplayState.RUNNING
    replay.save(update_fields=["state", "updated_at"])
    deadline = None if slice_seconds is None else time.monotonic() + slice_seconds
    for page in pages(events, after=replay.cursor):
        # Lanes are decided here, before the page's transaction opens (a
        # matcher mapping is user-defined work).
        taken = {
            event_id: lane_for(action, payload, str(event_id)) for event_id, payload in page if takes(payload)
        }
        if not _commit_page(replay, taken, looked_at=len(page), cursor=page[-1][0]):
            return _finish(replay, ReplayState.FAILED, STOPPED)
        if on_page is not None:
            on_page(replay)
        if deadline is not None and time.monotonic() > deadline:
            async_task(RUN_TASK, replay.pk)
            return replay
    return _finish(replay, ReplayState.DONE)


def _commit_page(replay: Replay, taken: dict[int, int], *, looked_at: int, cursor: int) -> bool:
    """Write one page's deliveries and the progress; False, writing nothing, when the action is off or deleted.

    ``taken`` holds the lane of each event taken, by event id.
    """
    action = replay.action
    connected = action.destination.state == ConnectionState.CONNECTED
    now = timezone.now()
    with transaction.atomic():
        # Locked, so that deleting the action waits for this page and then
        # fails its deliveries with the others still waiting.
        if not Action.live.select_for_update().filter(pk=action.pk, enabled=True).exists():
            return False
        skip = set() if replay.force else already_sent(action, list(taken))
        deliveries = [
            Delivery(
                action=action,
                destination=action.destination,
                event_id=event_id,
                status=Status.PENDING if connected else Status.HELD,
                due_at=now,
                operation=action.operation,
                sobject=action.sobject_name,
                replay=replay,
                lane=lane,
            )
            for event_id, lane in taken.items()
            if event_id not in skip
        ]
        Delivery.objects.bulk_create(deliveries)
        replay.looked_at += looked_at
        replay.matched += len(taken)
        replay.created += len(deliveries)
        replay.cursor = cursor
        replay.save(update_fields=["looked_at", "matched", "created", "cursor", "updated_at"])
        if deliveries and connected:
            ring({(str(action.pk), d.lane) for d in deliveries})
    return True


def _finish(replay: Replay, state: str, error: str = "") -> Replay:
    replay.state = state
    replay.error = error
    replay.finished_at = timezone.now()
    replay.save(update_fields=["state", "error", "finished_at", "updated_at"])
    return replay


def resume_stalled(now: datetime | None = None) -> int:
    """Queue again every active replay that has not moved for ``STALLED_AFTER``; how many."""
    now = now or timezone.now()
    stalled = Replay.objects.filter(state__in=ACTIVE_STATES, updated_at__lt=now - STALLED_AFTER)
    resumed = 0
    for pk in list(stalled.values_list("pk", flat=True)):
        # Claimed by moving its clock: two sweeps never queue it twice.
        if stalled.filter(pk=pk).update(updated_at=now):
            async_task(RUN_TASK, pk)
            resumed += 1
    return resumed
