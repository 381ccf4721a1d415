"""The latest events of a destination's sources: what the editor tests triggers and mappings on."""

from __future__ import annotations

from django.db.models import QuerySet

from destinations.models import Destination
from sources.models import Event

# How many recent events a trigger's match count looks at.
SAMPLE = 500


def recent_events(destination: Destination) -> QuerySet[Event]:
    """Events of the destination's connected sources, newest first."""
    return Event.objects.filter(source__in=destination.sources.all()).order_by("-received_at", "-id")


def recent_payloads(destination: Destination, limit: int = SAMPLE) -> list[dict]:
    return list(recent_events(destination).values_list("payload", flat=True)[:limit])
