"""Holding a destination's deliveries while it cannot send, and resuming them.

A destination that needs reconnecting (or was disconnected) keeps its
deliveries: they are neither failed nor lost, and go out in their original
order once it is connected again.

Salesforce may also reject a session twice in a row (refused, refreshed,
refused again) while the refresh token still works: the destination stays
connected, so nobody would reconnect it. Its held deliveries are tried again
by the sweep once they have waited ``HELD_WHILE_CONNECTED``; a fresh token
that works delivers them, one that does not holds them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from deliveries.budget_hold import BUDGET_REACHED
from deliveries.doorbell import ring
from deliveries.models import DUE_STATUSES, Delivery, Status
from destinations.models import ConnectionState, Destination

# How long a connected destination's held deliveries wait before they are tried again.
HELD_WHILE_CONNECTED = timedelta(minutes=1)


def hold_deliveries(destination: Destination) -> int:
    """Hold every delivery of the destination that was waiting to be sent."""
    return Delivery.objects.filter(
        destination=destination, status__in=(*DUE_STATUSES, Status.SENDING)
    ).update(status=Status.HELD, updated_at=timezone.now())


@transaction.atomic
def release_deliveries(destination: Destination) -> list[str]:
    """Make held deliveries due now and wake their senders; returns the action ids."""
    now = timezone.now()
    held = Delivery.objects.filter(destination=destination, status=Status.HELD)
    action_ids = [str(a) for a in held.values_list("action_id", flat=True).distinct()]
    held.update(status=Status.PENDING, due_at=now, updated_at=now)
    ring(action_ids)
    return action_ids


@transaction.atomic
def retry_held_of_connected(now: datetime | None = None) -> list[str]:
    """Make due again what connected destinations have held a while; returns the action ids."""
    now = now or timezone.now()
    held = Delivery.objects.filter(
        status=Status.HELD,
        destination__state=ConnectionState.CONNECTED,
        updated_at__lte=now - HELD_WHILE_CONNECTED,
    ).exclude(
        # Held for the API budget: due when the budget frees up, not sooner.
        error_code=BUDGET_REACHED,
        due_at__gt=now,
    )
    action_ids = [str(a) for a in held.values_list("action_id", flat=True).distinct()]
    if action_ids:
        held.update(status=Status.PENDING, due_at=now, updated_at=now)
    return action_ids


def held_counts(destinations: Iterable[Destination]) -> dict[uuid.UUID, int]:
    """How many deliveries each destination holds (destinations holding none are left out)."""
    rows = (
        Delivery.objects.filter(destination__in=list(destinations), status=Status.HELD)
        .order_by()
        .values("destination_id")
        .annotate(held=Count("id"))
    )
    return {row["destination_id"]: row["held"] for row in rows}
