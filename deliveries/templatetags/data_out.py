"""Template filters of the Data Out pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

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
