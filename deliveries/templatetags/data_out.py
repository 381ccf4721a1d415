"""Template filters of the Data Out pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from destinations.models import Destination

register = template.Library()

# (seconds in the unit, its short name), largest first.
_UNITS = ((86400, "day"), (3600, "h"), (60, "min"))


def ago_text(moment: datetime, now: datetime) -> str:
    """How long ago, short: "just now", "3 min ago", "2 h ago", "5 days ago"."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    for size, name in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            unit = f"{name}s" if name == "day" and count != 1 else name
            return f"{count} {unit} ago"
    return "just now"


@register.filter
def ago(moment: datetime | None) -> str:
    return ago_text(moment, timezone.now()) if moment else ""


@register.filter
def record_url(destination: Destination, record_id: str) -> str:
    """The record's page in the org ("" when the org's address is not known).

    Salesforce's ``{instance URL}/{id}`` rather than Lightning's
    ``/lightning/r/{object}/{id}/view``: it needs no object name (a 300 from
    an external-id upsert gives ids alone), and it opens the record in
    Lightning and Classic alike, whichever the user has.
    """
    base = (destination.instance_url or "").rstrip("/")
    return f"{base}/{record_id}" if base and record_id else ""
