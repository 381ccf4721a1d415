"""What each action of a destination did lately, for the Actions tab."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from deliveries.models import Delivery, Status
from destinations.models import Destination

WINDOW = timedelta(hours=24)
# The statuses the Actions tab counts, in the order it shows them.
SHOWN = (
    Status.DELIVERED,
    Status.FAILED,
    Status.RETRYING,
    Status.MULTIPLE_MATCHES,
    Status.PENDING,
    Status.HELD,
)


def last_day_counts(destination: Destination) -> dict[str, dict[str, int]]:
    """Deliveries of the last 24 hours per action id (as text), then per status."""
    since = timezone.now() - WINDOW
    rows = (
        Delivery.objects.filter(destination=destination, created_at__gte=since)
        .values("action_id", "status")
        .annotate(count=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(str(row["action_id"]), {})[row["status"]] = row["count"]
    return counts
