"""The latest events of a destination's sources: what the editor tests triggers and mappings on."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from destinations.models import Destination
from sources.models import Event

# How many recent events a trigger's match count looks at.
SAMPLE = 500
# Events a page of the editor's event picker shows.
PER_PAGE = 10


def recent_events(destination: Destination) -> QuerySet[Event]:
    """Events of the destination's connected sources, newest first."""
    return Event.objects.filter(source__in=destination.sources.all()).order_by("-received_at", "-id")


def recent_payloads(destination: Destination, limit: int = SAMPLE) -> list[dict]:
    return list(recent_events(destination).values_list("payload", flat=True)[:limit])


def events_page(destination: Destination, number: Any) -> Page[Event]:
    """One page of the destination's recent events, for the editor's picker (a bad number: the first)."""
    events = recent_events(destination).select_related("source")
    return Paginator(events, PER_PAGE).get_page(number)
