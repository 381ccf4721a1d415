"""A destination's API budget: how many calls it may spend in any 24 hours, and what it spent.

Other integrations share the org's daily API limit. A destination may spend
a share of it (``api_budget_percent`` of the limit Salesforce last reported
in ``Sforce-Limit-Info``) or a fixed number of calls (``api_budget_calls``).
The sender adds the calls it spent to an hourly row once per chunk; the
rolling 24-hour use is the sum of the rows whose hour ended less than 24
hours ago, so the budget frees up hour by hour as old rows fall out of the
window.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from destinations.models import ApiCallHour, Destination

WINDOW = timedelta(hours=24)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Budget:
    """The calls a destination may spend in 24 hours, and those it spent."""

    limit: int | None  # None: not known yet (a share of a limit Salesforce has not reported)
    used: int
    # When the rolling use falls below the limit again, if it is reached.
    resumes_at: datetime | None = None

    @property
    def reached(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def limit_of(destination: Destination) -> int | None:
    """The calls per 24 hours the destination may spend (None when the org's limit is not known)."""
    if destination.api_budget_calls is not None:
        return destination.api_budget_calls
    if not destination.api_requests_max:
        return None
    return destination.api_requests_max * destination.api_budget_percent // 100


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _since(now: datetime) -> datetime:
    # An hour's row counts until its last minute is 24 hours old: a call is
    # never forgotten early, at worst it is remembered up to an hour too long.
    return hour_of(now) - WINDOW


def _window_rows(destination: Destination, now: datetime) -> list[tuple[datetime, int]]:
    rows = ApiCallHour.objects.filter(destination=destination, hour__gte=_since(now), calls__gt=0)
    return list(rows.order_by("hour").values_list("hour", "calls"))


def used(destination: Destination, now: datetime | None = None) -> int:
    """Calls the destination's sender spent in the last 24 hours."""
    total = ApiCallHour.objects.filter(
        destination=destination, hour__gte=_since(now or timezone.now())
    ).aggregate(n=Sum("calls"))
    return int(total["n"] or 0)


def used_by_each(now: datetime | None = None) -> dict[uuid.UUID, int]:
    """Calls each destination's sender spent in the last 24 hours (those that spent none are left out)."""
    rows = (
        ApiCallHour.objects.filter(hour__gte=_since(now or timezone.now()))
        .values("destination_id")
        .annotate(n=Sum("calls"))
        .order_by()
    )
    return {row["destination_id"]: int(row["n"] or 0) for row in rows}


def read(destination: Destination, now: datetime | None = None) -> Budget:
    """The destination's budget and use now, with the time it frees up if it is spent."""
    now = now or timezone.now()
    limit = limit_of(destination)
    rows = _window_rows(destination, now)
    spent = sum(calls for _hour, calls in rows)
    if limit is None or spent < limit:
        return Budget(limit, spent)
    return Budget(limit, spent, resumes_at=resumes_at(rows, limit))


def resumes_at(rows: list[tuple[datetime, int]], limit: int) -> datetime | None:
    """When the rolling use drops below ``limit`` as the oldest hours leave the window.

    ``rows`` are (hour, calls), oldest first. A zero limit never frees up.
    """
    if limit <= 0:
        return None
    left = sum(calls for _hour, calls in rows)
    for hour, calls in rows:
        left -= calls
        if left < limit:
            return hour + HOUR + WINDOW
    return None


def add_calls(destination_id: uuid.UUID | str, calls: int, now: datetime | None = None) -> None:
    """Add ``calls`` to the current hour's count: one UPDATE (an INSERT the first time in an hour)."""
    if calls <= 0:
        return
    hour = hour_of(now or timezone.now())
    rows = ApiCallHour.objects.filter(destination_id=destination_id, hour=hour)
    if rows.update(calls=F("calls") + calls):
        return
    try:
        with transaction.atomic():
            ApiCallHour.objects.create(destination_id=destination_id, hour=hour, calls=calls)
    except IntegrityError:
        # Another sender of the same destination made the row first.
        rows.update(calls=F("calls") + calls)


def forget_old(now: datetime | None = None) -> int:
    """Delete the hourly rows that left the window; how many."""
    deleted, _ = ApiCallHour.objects.filter(hour__lt=_since(now or timezone.now())).delete()
    return deleted
