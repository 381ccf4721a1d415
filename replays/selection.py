"""Which stored events a replay looks at, and which of them the action takes.

The trigger is user-defined: it is evaluated here, outside any transaction,
page by page, and callers bound the work by time (a dry run) or hand it to
the queue in slices (a run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from actions.models import Action
from actions.triggers import TriggerSyntaxError, compile_trigger
from deliveries.models import Delivery
from deliveries.router import wanted_by
from sources.models import Event, Source

# Events read (and evaluated) at a time.
PAGE = 500


class ReplayRefused(ValueError):
    """The replay cannot be made as asked; the message says why."""


def events_in_range(action: Action, start: datetime, end: datetime, source: Source | None) -> QuerySet[Event]:
    """The events of the destination's sources (or of ``source``) received in [start, end)."""
    if start >= end:
        raise ReplayRefused("The start of the range must be before its end.")
    sources = action.destination.sources.all()
    if source is not None:
        if not sources.filter(pk=source.pk).exists():
            raise ReplayRefused(f"The destination does not take events from {source.name}.")
        sources = sources.filter(pk=source.pk)
    return Event.objects.filter(source__in=sources, received_at__gte=start, received_at__lt=end)


def taker(action: Action) -> Callable[[dict[str, Any]], bool]:
    """Whether the action takes an event's payload, as routing decides it at intake."""
    if not action.trigger.strip():
        raise ReplayRefused("The action has no trigger: it takes no events.")
    try:
        matches = compile_trigger(action.trigger)
    except TriggerSyntaxError as exc:
        raise ReplayRefused(f"The action's trigger cannot be read: {exc.message}") from exc
    name = action.destination.name

    def takes(payload: dict[str, Any]) -> bool:
        return wanted_by(payload.get("integrations"), name) and matches(payload)

    return takes


def pages(events: QuerySet[Event], after: int = 0) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """(id, payload) pairs in id order, a page at a time, after the event id ``after``."""
    while True:
        page = list(events.filter(pk__gt=after).order_by("pk").values_list("pk", "payload")[:PAGE])
        if not page:
            return
        yield page
        after = page[-1][0]


def already_sent(action: Action, event_ids: list[int]) -> set[int]:
    """The events that have a delivery of the action made since its settings last changed.

    A delivery made before the last change was sent with other settings, so
    replaying it is a re-sync, not a duplicate.
    """
    return set(
        Delivery.objects.filter(
            action=action, event_id__in=event_ids, created_at__gte=action.updated_at
        ).values_list("event_id", flat=True)
    )
