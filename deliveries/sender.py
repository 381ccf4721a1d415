"""The sender: takes an action's due deliveries, oldest first, and sends them.

At most one sender works on an action at a time (a lease taken with a
conditional UPDATE, safe with any number of workers on SQLite or
PostgreSQL), so two workers never race to create the same record. The
attempt is written before the send and completed after it, so a crash in
between leaves a trace.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from actions.archiving import close_waiting
from actions.models import Action
from deliveries import bulk_polling, bulk_sending
from deliveries.doorbell import ring
from deliveries.execution import CallTrace, ChunkRun
from deliveries.holding import hold_deliveries
from deliveries.models import DUE_STATUSES, Delivery
from deliveries.outcomes import Outcome
from deliveries.preparing import Prepared, action_spec, prepare
from deliveries.recording import record_outcomes, start_attempts
from deliveries.rendering import planner_spec
from destinations.models import ConnectionState, Destination
from destinations.tokens import client_for
from monitoring import chunk_timing

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# The queue kills a task after five minutes; a sender stops well before and
# hands the rest of a large backlog to a fresh task.
MAX_RUN_SECONDS = 240


class Step(StrEnum):
    SENT = "sent"
    NOTHING_DUE = "nothing_due"
    # The action or its destination cannot send now (disabled, not connected,
    # paused): its deliveries wait for a later wake-up.
    BLOCKED = "blocked"
    # A Bulk batch is not ripe yet: a follow-up is scheduled for when it is.
    WAITING = "waiting"


def run(action_id: str, max_seconds: float = MAX_RUN_SECONDS) -> None:
    """Send everything due for the action (or as much as fits in ``max_seconds``), then return."""
    Action.objects.filter(pk=action_id).update(wake_queued_at=None)
    deadline = time.monotonic() + max_seconds
    while True:
        token = _acquire(action_id)
        if token is None:
            return
        out_of_time = False
        try:
            while (step := _timed_chunk(action_id)) is Step.SENT:
                if time.monotonic() > deadline:
                    out_of_time = True
                    break
                _renew(action_id, token)
        finally:
            _release(action_id, token)
        if out_of_time:
            # Queued after the release, so that the fresh task finds the lease free.
            ring([action_id])
            return
        # Released first, checked after: a delivery routed while we held the
        # lease (whose own task found the lease taken) is seen here.
        if step in (Step.BLOCKED, Step.WAITING) or not has_due(action_id):
            return


def _timed_chunk(action_id: str) -> Step:
    started = time.monotonic()
    step = send_chunk(action_id)
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


def has_due(action_id: str) -> bool:
    return Delivery.objects.filter(
        action_id=action_id, status__in=DUE_STATUSES, due_at__lte=timezone.now()
    ).exists()


def _acquire(action_id: str) -> str | None:
    token = secrets.token_hex(16)
    now = timezone.now()
    taken = (
        Action.objects.filter(pk=action_id)
        .filter(Q(sender_lease_until__isnull=True) | Q(sender_lease_until__lt=now))
        .update(sender_lease_until=now + LEASE, sender_lease_token=token)
    )
    return token if taken else None


def _renew(action_id: str, token: str) -> None:
    Action.objects.filter(pk=action_id, sender_lease_token=token).update(
        sender_lease_until=timezone.now() + LEASE
    )


def _release(action_id: str, token: str) -> None:
    Action.objects.filter(pk=action_id, sender_lease_token=token).update(
        sender_lease_until=None, sender_lease_token=""
    )


def send_chunk(action_id: str) -> Step:
    """Send one chunk of the action's due deliveries."""
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
    if bulk_sending.uses_bulk(action):
        # Passing by: jobs of this action due for a look are polled now, not at the next schedule.
        bulk_polling.poll_due(action_id)
        return _STEP_OF_FLUSH[bulk_sending.flush(action, destination)]
    due = list(
        Delivery.objects.filter(action_id=action_id, status__in=DUE_STATUSES, due_at__lte=timezone.now())
        .select_related("event")
        .order_by("id")[: settings.DELIVERY_CHUNK_SIZE]
    )
    if not due:
        return Step.NOTHING_DUE
    attempts = start_attempts(action, due)
    started = time.monotonic()
    trace = CallTrace()
    outcomes = attempt_chunk(action, destination, due, trace)
    duration_ms = int((time.monotonic() - started) * 1000)
    record_outcomes(destination, due, attempts, outcomes, duration_ms, trace.last_usage)
    return Step.SENT


def attempt_chunk(
    action: Action, destination: Destination, due: list[Delivery], trace: CallTrace
) -> dict[int, Outcome]:
    """Render, check, plan and send a chunk; one outcome per delivery."""
    spec = action_spec(action)
    prepared = prepare(spec, destination, due)
    if not isinstance(prepared, Prepared):
        return prepared
    outcomes = prepared.outcomes
    with client_for(destination, on_call=trace) as client:
        run = ChunkRun(
            client, trace, planner_spec(spec, prepared.info), prepared.info, spec.required_fallback
        )
        outcomes.update(run.run(prepared.items))
    return outcomes


@contextmanager
def exclusive(action_id: str) -> Iterator[bool]:
    """Hold the action's sender lease for a send made outside the sender.

    Yields whether the lease was taken; when it was not, another sender is
    working on the action and the caller must not send (two senders could
    create the same record twice).
    """
    token = _acquire(action_id)
    try:
        yield token is not None
    finally:
        if token is not None:
            _release(action_id, token)
