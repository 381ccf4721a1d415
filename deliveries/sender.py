"""The sender: takes a lane of an action's due deliveries, oldest first, and sends them.

An action's deliveries are spread over lanes by the record they are about
(``deliveries.lanes``). At most one sender works on a lane at a time
(``deliveries.lease``), so two workers never race to create the same record,
while several work on one busy action at once. The attempt is written
before the send, marked just before each write, and completed after it, so
a crash in between leaves a trace that says whether a write may have gone.
The sender works to a deadline checked before every Salesforce call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from actions.archiving import close_waiting
from actions.models import Action
from deliveries import budget_hold, bulk_polling, bulk_sending
from deliveries.budget_hold import hold_for_budget
from deliveries.concurrent_calls import Waves
from deliveries.doorbell import SEND_TASK, address, quiet_until, ring
from deliveries.execution import COLLECTION_SIZE, CallTrace, ChunkRun
from deliveries.followups import follow_up
from deliveries.holding import hold_deliveries
from deliveries.interrupted import WRITING, recover_interrupted_sends
from deliveries.lease import LEASE, Heartbeat, acquire, acquire_more, release, renew
from deliveries.models import DUE_STATUSES, Attempt, Delivery, SenderLease
from deliveries.outcomes import Outcome
from deliveries.preparing import Prepared, action_spec, prepare
from deliveries.recording import due_chunk, record_outcomes, start_attempts
from deliveries.rendering import planner_spec
from deliveries.saving import ids_in
from destinations import api_budget
from destinations.models import ConnectionState, Destination
from destinations.tokens import client_for
from monitoring import chunk_timing, statement_log

logger = logging.getLogger(__name__)

__all__ = ["LEASE", "Step", "exclusive", "has_due", "run", "send_chunk"]


class Step(StrEnum):
    SENT = "sent"
    NOTHING_DUE = "nothing_due"
    # The action or its destination cannot send now (disabled, not connected,
    # paused): its deliveries wait for a later wake-up.
    BLOCKED = "blocked"
    # A Bulk batch is not ripe yet: a follow-up is scheduled for when it is.
    WAITING = "waiting"


def run(
    action_id: str, max_seconds: float | None = None, lane: int | None = None, linger: float = 0.0
) -> None:
    """Send everything due in the action's lane (or as much as fits in ``max_seconds``), then return.

    No call is started after ``max_seconds`` (``SENDER_MAX_RUN_SECONDS``);
    the queue's task timeout is derived from it in settings. A queue task
    sends one lane; without ``lane``, every lane with due deliveries is
    sent in turn (a send from the command line, a test). ``linger``: see
    ``send_chunk``.
    """
    budget = settings.SENDER_MAX_RUN_SECONDS if max_seconds is None else max_seconds
    deadline = time.monotonic() + budget
    if lane is not None:
        _run_lane(action_id, lane, deadline, linger)
        return
    due = Delivery.objects.filter(action_id=action_id, status__in=DUE_STATUSES)
    for each in sorted({0, *due.values_list("lane", flat=True).distinct()}):
        _run_lane(action_id, each, deadline, linger)


def _run_lane(action_id: str, lane: int, deadline: float, linger: float = 0.0) -> None:
    SenderLease.objects.filter(action_id=action_id, lane=lane).update(wake_queued_at=None)
    while True:
        token = acquire(action_id, lane)
        if token is None:
            return
        out_of_time = False
        gathered: set[int] = set()
        gather = partial(_gather, action_id, lane, token, gathered)
        try:
            # Holding the lease, no other sender can be working on the action:
            # what is still marked as sending was left by a stopped worker.
            recover_interrupted_sends(action_id=action_id, lane=lane)
            with Heartbeat(action_id, token) as heartbeat:

                def may_start() -> bool:
                    return time.monotonic() < deadline and heartbeat.fresh()

                send = partial(send_chunk, action_id, may_start, lane, linger, gather)
                while (step := _timed_chunk(action_id, send)) is Step.SENT:
                    if not may_start():
                        out_of_time = True
                        break
                    renew(action_id, token)
        finally:
            release(action_id, token)
        # Lanes gathered into this sender's chunks were released with its own:
        # what was routed to them meanwhile (their tasks found them taken) is woken now.
        ring([(action_id, other) for other in sorted(gathered) if has_due(action_id, other)])
        if out_of_time:
            # Queued after the release, so that the fresh task finds the lease free.
            ring([(action_id, lane)])
            return
        # Released first, checked after: a delivery routed while we held the
        # lease (whose own task found the lease taken) is seen here.
        if step in (Step.BLOCKED, Step.WAITING) or not has_due(action_id, lane):
            return


def _gather(action_id: str, lane: int, token: str, gathered: set[int]) -> list[int]:
    """Take the leases of the action's other lanes with due deliveries that are free; they join ``gathered``."""
    due = Delivery.objects.filter(action_id=action_id, status__in=DUE_STATUSES, due_at__lte=timezone.now())
    others = sorted(set(due.exclude(lane=lane).values_list("lane", flat=True)))
    taken = acquire_more(action_id, others, token)
    # Their deliveries go now: intake may wake these lanes again.
    SenderLease.objects.filter(action_id=action_id, lane__in=taken).update(wake_queued_at=None)
    gathered.update(taken)
    return taken


def _timed_chunk(action_id: str, send: Callable[[], Step]) -> Step:
    """``send()`` (one chunk of the action), its statements counted and its duration recorded."""
    started = time.monotonic()
    step = Step.NOTHING_DUE
    with statement_log.counting(action_id, sent=lambda: step is Step.SENT):
        step = send()
    if step is Step.SENT:
        try:
            chunk_timing.record(action_id, time.monotonic() - started)
        except DatabaseError:
            # A figure for the metrics is not worth stopping the sends for.
            logger.warning("sender: the chunk's duration was not recorded", exc_info=True)
    return step


_STEP_OF_FLUSH = {
    bulk_sending.Flush.SENT: Step.SENT,
    bulk_sending.Flush.WAITING: Step.WAITING,
    bulk_sending.Flush.NOTHING_DUE: Step.NOTHING_DUE,
}


def has_due(action_id: str, lane: int | None = None) -> bool:
    """Whether the action (or one lane of it) has deliveries due now."""
    due = Delivery.objects.filter(action_id=action_id, status__in=DUE_STATUSES, due_at__lte=timezone.now())
    return (due if lane is None else due.filter(lane=lane)).exists()


def send_chunk(
    action_id: str,
    may_start: Callable[[], bool] | None = None,
    lane: int = 0,
    linger: float = 0.0,
    gather: Callable[[], list[int]] | None = None,
) -> Step:
    """Send one chunk of the lane's due deliveries (a Bulk action: of all its lanes, from lane 0).

    With ``linger`` (seconds), a chunk too small to fill one Collections
    call is not sent before its oldest delivery has been due that long: a
    follow-up wakes the lane then, and deliveries routed meanwhile join it.
    When it goes, the other lanes' due deliveries join it too, from each
    lane whose lease ``gather`` could take: a trickle spread over lanes
    then costs one lookup and one write, not one per lane.
    """
    try:
        action = Action.objects.select_related("destination").get(pk=action_id)
    except Action.DoesNotExist:
        return Step.BLOCKED
    destination = action.destination
    if action.is_archived:
        # Deleted by the user: nothing more is sent (a delivery routed in the
        # instant before the archive committed is closed here).
        close_waiting(action_id)
        return Step.BLOCKED
    if not (action.enabled and destination.enabled and action.operation):
        return Step.BLOCKED
    if destination.state != ConnectionState.CONNECTED:
        hold_deliveries(destination)
        return Step.BLOCKED
    if destination.is_paused():
        return Step.BLOCKED
    budget = api_budget.read(destination)
    if budget.reached:
        hold_for_budget(destination, budget)
        return Step.BLOCKED
    if bulk_sending.uses_bulk(action):
        if lane != 0:
            # A Bulk action is flushed per action, by its lane 0 alone: two
            # flushes at once could send one record twice.
            ring([(action_id, 0)])
            return Step.BLOCKED
        # Passing by: jobs of this action due for a look are polled now, not at the next schedule.
        bulk_polling.poll_due(action_id)
        return _STEP_OF_FLUSH[bulk_sending.flush(action, destination)]
    due = due_chunk(action_id, settings.DELIVERY_CHUNK_SIZE, lane)
    if linger > 0 and len(due) < COLLECTION_SIZE:
        waited = _trickle(action_id, lane, due, linger, gather)
        if isinstance(waited, Step):
            return waited
        due = waited
    elif linger > 0:
        due = _whole_calls(due, linger)
    if not due:
        return Step.NOTHING_DUE
    attempts = start_attempts(action, due)
    started = time.monotonic()
    trace = CallTrace()
    calls_left = budget_hold.calls_left(budget, trace)

    def may_call() -> bool:
        return calls_left() != 0 and (may_start is None or may_start())

    attempt_of = {a.delivery_id: a.pk for a in attempts}

    def before_write(delivery_ids: list[int]) -> None:
        # When the write began: an unknown outcome is looked up again only once
        # Salesforce can no longer be working on it.
        Delivery.objects.filter(pk__in=ids_in(delivery_ids)).update(updated_at=timezone.now())
        Attempt.objects.filter(pk__in=ids_in(attempt_of[d] for d in delivery_ids)).update(outcome=WRITING)

    outcomes = attempt_chunk(action, destination, due, trace, may_call, before_write, calls_left)
    duration_ms = int((time.monotonic() - started) * 1000)
    record_outcomes(destination, due, attempts, outcomes, duration_ms, trace.last_usage)
    return Step.SENT


def _trickle(
    action_id: str, lane: int, due: list[Delivery], linger: float, gather: Callable[[], list[int]] | None
) -> list[Delivery] | Step:
    """A chunk smaller than a Collections call: wait for company, or go with the other lanes' deliveries.

    The action's lanes wait as one: until the oldest due delivery of any of
    them has been due ``linger`` seconds, woken then by one follow-up (lane
    0's), which the first lane to find the chunk ripe sends with every
    other lane whose lease it can take.
    """
    now = timezone.now()
    due_now = Delivery.objects.filter(action_id=action_id, status__in=DUE_STATUSES, due_at__lte=now)
    # The action's oldest due times, up to a Collections call's worth.
    times = list(due_now.order_by("due_at").values_list("due_at", flat=True)[:COLLECTION_SIZE])
    if not times:
        return Step.NOTHING_DUE
    if len(times) == COLLECTION_SIZE:
        # Not a trickle: the action has a call's worth due, its lanes send
        # their own (taking a busy lane's deliveries along would leave its
        # own sender idle and send the action's backlog one chunk at a time).
        return due
    ripe_at = times[0] + timedelta(seconds=linger)
    if ripe_at > now:
        follow_up(SEND_TASK, address(action_id, 0), ripe_at)
        # The follow-up wakes the action: intake's doorbell need not queue a
        # task per request for this lane meanwhile, each only to find it
        # waiting. Nor just after: a lane woken by intake at the follow-up's
        # moment would send its own part beside the follow-up's sender. The
        # follow-up's sender wakes the lanes it takes along; a lane it could
        # not take is rung again by intake a linger later at most.
        quiet_until(action_id, lane, ripe_at + timedelta(seconds=linger))
        return Step.WAITING
    return due if gather is None else _with_other_lanes(action_id, due, gather)


def _whole_calls(due: list[Delivery], linger: float) -> list[Delivery]:
    """A chunk of whole Collections calls, its last few (the newest) left for the next chunk while they are fresh.

    A chunk of 530 would cost three writes where 400 cost two, and the 130
    go with the deliveries routed next; but no delivery is held back past
    the linger.
    """
    tail = len(due) % COLLECTION_SIZE
    if tail == 0 or len(due) == settings.DELIVERY_CHUNK_SIZE:
        return due
    cut = len(due) - tail
    ripe_at = min(d.due_at for d in due[cut:]) + timedelta(seconds=linger)
    return due[:cut] if ripe_at > timezone.now() else due


def _with_other_lanes(action_id: str, due: list[Delivery], gather: Callable[[], list[int]]) -> list[Delivery]:
    """The chunk with the due deliveries of the other lanes it could take (up to a chunk in all)."""
    for other in gather():
        room = settings.DELIVERY_CHUNK_SIZE - len(due)
        if room <= 0:
            break
        # Taken over as its own lane would be: what a stopped sender left is settled first.
        recover_interrupted_sends(action_id=action_id, lane=other)
        due += due_chunk(action_id, room, other)
    return due


def attempt_chunk(
    action: Action,
    destination: Destination,
    due: list[Delivery],
    trace: CallTrace,
    may_start: Callable[[], bool] | None = None,
    before_write: Callable[[list[int]], None] | None = None,
    calls_left: Callable[[], int | None] | None = None,
) -> dict[int, Outcome]:
    """Render, check, plan and send a chunk; one outcome per delivery."""
    spec = action_spec(action)
    prepared = prepare(spec, destination, due)
    if not isinstance(prepared, Prepared):
        return prepared
    outcomes = prepared.outcomes
    calls_at_once = destination.concurrent_calls
    with (
        Waves(calls_at_once, trace.take) as waves,
        client_for(
            destination, on_call=trace, concurrent_calls=calls_at_once, refresh_via=waves.on_sender_thread
        ) as client,
    ):
        run = ChunkRun(
            client,
            trace,
            planner_spec(spec, prepared.info),
            prepared.info,
            spec.required_fallback,
            may_start=may_start,
            before_write=before_write,
            request_time_limit=settings.SALESFORCE_REQUEST_TIME_LIMIT_SECONDS,
            waves=waves,
            calls_left=calls_left,
        )
        outcomes.update(run.run(prepared.items))
    return outcomes


@contextmanager
def exclusive(action_id: str, lane: int = 0) -> Iterator[bool]:
    """Hold a lane's sender lease for a send made outside the sender.

    Yields whether the lease was taken; when it was not, another sender is
    working on the lane and the caller must not send (two senders could
    create the same record twice).
    """
    token = acquire(action_id, lane)
    try:
        if token is None:
            yield False
        else:
            with Heartbeat(action_id, token):
                yield True
    finally:
        if token is not None:
            release(action_id, token)
