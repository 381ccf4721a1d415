"""Routing: which actions take an event (a delivery each), decided at intake.

In two steps: `decide` evaluates the triggers before the intake transaction
opens (user-defined matching never runs while the write lock is held), and
`create_deliveries` writes the deliveries inside it, so an event and its
deliveries are committed together: an acknowledged event is never without
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from actions.models import Action
from actions.triggers import TriggerSyntaxError, compile_trigger
from deliveries.bulk_sending import uses_bulk
from deliveries.lanes import lane_of
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


@dataclass(frozen=True)
class Route:
    """The actions one message goes to, decided before the write transaction opens.

    ``lanes`` holds the lane of each action's delivery, in the same order
    (``deliveries.lanes``); left empty, every delivery takes lane 0.
    """

    actions: tuple[Action, ...]
    lanes: tuple[int, ...] = ()

    def lane(self, index: int) -> int:
        return self.lanes[index] if index < len(self.lanes) else 0


def lane_for(action: Action, payload: Mapping[str, Any], spread: str) -> int:
    """The lane of the action's delivery of ``payload`` (evaluates the action's matcher mapping)."""
    lanes = 1 if uses_bulk(action) else settings.DELIVERY_LANES
    matchers = [(row["field"], row["mapping"]) for row in action.record_matchers]
    return lane_of(action.operation, matchers, payload, lanes, spread)


def decide(source: Source, payloads: Sequence[Mapping[str, Any]]) -> list[Route]:
    """Which actions take each payload: all the user-defined matching of intake.

    Runs before intake's write transaction opens, so no trigger, however
    slow, ever holds the database's write lock; the result is one Route per
    payload, in order.
    """
    checks = _trigger_checks(source)
    if not checks:
        return [Route(()) for _ in payloads]
    routes = []
    for index, payload in enumerate(payloads):
        integrations = payload.get("integrations")
        actions = tuple(
            action
            for action, matches in checks
            if wanted_by(integrations, action.destination.name) and matches(payload)
        )
        spread = f"{payload.get('messageId', '')}:{index}"
        routes.append(Route(actions, tuple(lane_for(action, payload, spread) for action in actions)))
    return routes


def _trigger_checks(source: Source) -> list[tuple[Action, Callable[[Mapping[str, Any]], bool]]]:
    actions = (
        Action.live.filter(enabled=True, destination__enabled=True, destination__sources=source)
        .exclude(trigger="")
        .select_related("destination")
    )
    checks = []
    for action in actions:
        try:
            checks.append((action, compile_trigger(action.trigger)))
        except TriggerSyntaxError:
            # Saving refuses a bad trigger; one that slipped in matches nothing.
            continue
    return checks


def create_deliveries(routed: Iterable[tuple[Event, Route]]) -> set[tuple[str, int]]:
    """Create the deliveries of new events; returns the lanes to wake (action id, lane).

    Runs inside the intake transaction, so an event and its deliveries are
    committed together. No trigger is evaluated here: the routes were
    decided before. An action archived in between gets no delivery.
    """
    pairs = [
        (event, action, route.lane(index))
        for event, route in routed
        for index, action in enumerate(route.actions)
    ]
    if not pairs:
        return set()
    live = set(Action.live.filter(pk__in={action.pk for _, action, _ in pairs}).values_list("pk", flat=True))
    now = timezone.now()
    deliveries = [
        Delivery(
            action=action,
            destination=action.destination,
            event=event,
            status=Status.PENDING if action.destination.state == ConnectionState.CONNECTED else Status.HELD,
            due_at=now,
            operation=action.operation,
            sobject=action.sobject_name,
            lane=lane,
        )
        for event, action, lane in pairs
        if action.pk in live
    ]
    Delivery.objects.bulk_create(deliveries)
    return {(str(d.action_id), d.lane) for d in deliveries if d.status == Status.PENDING}
