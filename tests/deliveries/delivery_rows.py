"""Delivery rows made directly, for tests of modules that only read or update them."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery
from destinations.models import Destination
from sources.models import Event


def delivery_row(team: Any, source: Any, *, action: Action | None = None, **fields: Any) -> Delivery:
    """A delivery of a fresh identify event; ``created_at`` may be set (auto_now_add is overridden)."""
    if action is None:
        destination, _ = Destination.objects.get_or_create(workspace=team.workspace, name="Org")
        action, _ = Action.objects.get_or_create(
            destination=destination, name="Leads", defaults={"kind": "lead", "operation": "create"}
        )
    now = timezone.now()
    event = Event.objects.create(
        source=source.source,
        message_id=str(uuid4()),
        type="identify",
        user_id="u1",
        timestamp=now,
        received_at=now,
        payload={"type": "identify", "userId": "u1"},
    )
    created_at = fields.pop("created_at", None)
    delivery = Delivery.objects.create(
        action=action, destination=action.destination, event=event, **{"due_at": now, **fields}
    )
    if created_at is not None:
        Delivery.objects.filter(pk=delivery.pk).update(created_at=created_at)
        delivery.refresh_from_db()
    return delivery
