"""Send test event: one chosen event through one action, for real, now.

It is an ordinary delivery (marked ``is_test``) sent through the sender's
own path: an attempt written before the send, ``attempt_chunk`` to render,
plan and send, ``record_outcomes`` to keep the answer. So Data Out shows it
like any other, and what the editor reports is what a routed event would get.
It holds the action's sender lease while it sends, so it never races the
sender to create the same record.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from actions.models import Action
from deliveries.doorbell import ring
from deliveries.execution import CallTrace
from deliveries.models import Attempt, Delivery, Status
from deliveries.recording import record_outcomes
from deliveries.router import lane_for
from deliveries.sender import attempt_chunk, exclusive, has_due
from destinations.models import ConnectionState
from sources.models import Event


class CannotSend(Exception):
    """The action or its destination cannot send now; the message says what to do."""


def send_test(action: Action, event: Event) -> Delivery:
    """Send ``event`` through ``action`` and return its delivery with Salesforce's answer."""
    destination = action.destination
    if destination.state != ConnectionState.CONNECTED:
        raise CannotSend("Connect the destination to Salesforce first.")
    if not action.operation:
        raise CannotSend("Choose and save the action's operation first.")
    # The lane of the record it is about: its other deliveries wait meanwhile.
    lane = lane_for(action, event.payload, str(event.pk))
    with exclusive(str(action.pk), lane) as held:
        if not held:
            raise CannotSend("This action is sending other events right now; try again in a few seconds.")
        delivery, attempt = _start(action, event, lane)
        trace = CallTrace()
        started = time.monotonic()
        outcomes = attempt_chunk(action, destination, [delivery], trace)
        duration_ms = int((time.monotonic() - started) * 1000)
        record_outcomes(destination, [delivery], [attempt], outcomes, duration_ms, trace.last_usage)
    # A sender woken while we held the lease gave up at once: wake it again.
    if has_due(str(action.pk), lane):
        ring([(str(action.pk), lane)])
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def _start(action: Action, event: Event, lane: int) -> tuple[Delivery, Attempt]:
    now = timezone.now()
    delivery = Delivery.objects.create(
        action=action,
        destination=action.destination,
        event=event,
        status=Status.SENDING,
        due_at=now,
        attempts=1,
        first_attempt_at=now,
        last_attempt_at=now,
        operation=action.operation,
        sobject=action.sobject_name,
        is_test=True,
        lane=lane,
    )
    attempt = Attempt.objects.create(delivery=delivery, number=1, started_at=now, outcome="sending")
    return delivery, attempt
