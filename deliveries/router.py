"""Routing: which actions take an event (a delivery each), decided at intake.

Runs inside the intake transaction, so an event and its deliveries are
committed together: an acknowledged event is never without them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from actions.models import Action
from actions.triggers import TriggerSyntaxError, compile_trigger
from deliveries.models import Delivery, Status
from destinations.models import ConnectionState
from sources.models import Event, Source

# Names under which an event's `integrations` object may address us.
INTEGRATION_NAMES = ("Salesforce (Actions)", "Salesforce")


def wanted_by(integrations: Any, destination_name: str) -> bool:
    """Whether the event's `integrations` object lets it reach this destination.

    All destinations are on by default; ``"All": false`` makes the object an
    opt-in list. The destination's own name is most specific, then ours.
    """
    if not isinstance(integrations, Mapping):
        return True
    for name in (destination_name, *INTEGRATION_NAMES):
        if name in integrations:
            return integrations[name] is not False
    return integrations.get("All", True) is not False


def route(source: Source, events: Iterable[Event]) -> set[str]:
    """Create the deliveries of new events; returns the ids of the actions to wake."""
    actions = list(
        Action.live.filter(enabled=True, destination__enabled=True, destination__sources=source)
        .exclude(trigger="")
        .select_related("destination")
    )
    if not actions:
        return set()
    checks = []
    for action in actions:
        try:
            checks.append((action, compile_trigger(action.trigger)))
        except TriggerSyntaxError:
            # Saving refuses a bad trigger; one that slipped in matches nothing.
            continue
    now = timezone.now()
    deliveries = []
    for event in events:
        for action, matches in checks:
            destination = action.destination
            if not wanted_by(event.payload.get("integrations"), destination.name) or not matches(
                event.payload
            ):
                continue
            connected = destination.state == ConnectionState.CONNECTED
            deliveries.append(
                Delivery(
                    action=action,
                    destination=destination,
                    event=event,
                    status=Status.PENDING if connected else Status.HELD,
                    due_at=now,
                    operation=action.operation,
                    sobject=action.sobject_name,
                )
            )
    Delivery.objects.bulk_create(deliveries)
    return {str(d.action_id) for d in deliveries if d.status == Status.PENDING}
