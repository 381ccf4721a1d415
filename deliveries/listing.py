"""Pages of Data Out rows: newest first, 50 at a time, and the rows that came since.

Pages are cut by keyset (the last row shown is the cursor), not by number:
new deliveries arrive all the time, and a numbered page would shift under
the reader's eyes and show rows twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

from deliveries.filters import FilterError
from deliveries.models import Delivery, Status

PAGE_SIZE = 50
NEWEST_FIRST = ("-created_at", "-id")
# Rows whose status may still change; the polling refreshes them in place.
UNSETTLED = (Status.PENDING, Status.SENDING, Status.RETRYING)
# The most rows one poll adds, so that a burst does not make one huge response.
MAX_NEW_ROWS = 200
# How long before a poll a change may be stamped and yet not committed (a sender's transaction).
UNCOMMITTED_MARGIN = timedelta(seconds=15)


@dataclass(frozen=True)
class Page:
    deliveries: list[Delivery]
    # The cursor of the next (older) page, None on the last page.
    older: int | None
    is_first: bool

    @property
    def newest_id(self) -> int:
        return max((d.pk for d in self.deliveries), default=0)


def cursor(value: str | None, name: str) -> int | None:
    """A page or polling cursor from the query string: a delivery id."""
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise FilterError(f"{value!r} is not a valid {name!r} cursor: it is a delivery number.")
    return int(value)


def poll_time(value: str | None) -> datetime | None:
    """When the page last polled (a Unix time it was given), or None when absent or unreadable."""
    try:
        seconds = float(value or "")
    except ValueError:
        return None
    if not math.isfinite(seconds) or not 0 <= seconds < 2**33:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def moved_since(rows: Iterable[Delivery], polled_at: datetime | None) -> bool:
    """Whether any of ``rows`` changed since the last poll (any at all, when it is not known when that was).

    A row is stamped before its transaction commits, so a change stamped
    shortly before the last poll may have been invisible to it: those count too.
    """
    return any(polled_at is None or row.updated_at >= polled_at - UNCOMMITTED_MARGIN for row in rows)


def _with_relations(deliveries: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return deliveries.select_related("action", "event")


def page(deliveries: QuerySet[Delivery], before: int | None) -> Page:
    """The page of rows older than the delivery ``before`` (the newest page without it)."""
    rows = _with_relations(deliveries).order_by(*NEWEST_FIRST)
    if before is not None:
        anchor = deliveries.filter(pk=before).values_list("created_at", flat=True).first()
        if anchor is None:
            raise FilterError("That page no longer exists: start again from the newest deliveries.")
        rows = rows.filter(Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=before))
    batch = list(rows[: PAGE_SIZE + 1])
    older = batch[PAGE_SIZE - 1].pk if len(batch) > PAGE_SIZE else None
    return Page(deliveries=batch[:PAGE_SIZE], older=older, is_first=before is None)


def newer_than(deliveries: QuerySet[Delivery], after: int) -> list[Delivery]:
    """Rows that arrived after the delivery ``after``, newest first (what a poll adds)."""
    rows = _with_relations(deliveries).filter(pk__gt=after).order_by("id")[:MAX_NEW_ROWS]
    return sorted(rows, key=lambda d: (d.created_at, d.pk), reverse=True)


def refreshed(deliveries: QuerySet[Delivery], ids: Iterable[int], after: int) -> list[Delivery]:
    """The rows a page shows as unsettled, as they are now (for updating them in place)."""
    wanted = [i for i in ids if i <= after]
    return list(_with_relations(deliveries).filter(pk__in=wanted[:PAGE_SIZE]))
