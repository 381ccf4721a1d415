"""The conditions an alert watches, each read from the database for one destination.

A condition answers "is it happening now, and what does it look like"; the
incidents module turns a change of answer into one message. A new condition
is one more function in ``CHECKS``, under a new ``Condition`` value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from alerts.models import AlertSettings, Condition
from deliveries.models import DUE_STATUSES, Delivery, Status
from destinations import api_budget
from destinations.models import ConnectionState, Destination

FAILURE_WINDOW = timedelta(hours=1)
# Deliveries whose outcome is known, out of which the failed share is taken.
FINISHED = (Status.DELIVERED, Status.FAILED, Status.MULTIPLE_MATCHES)


@dataclass(frozen=True)
class Reading:
    firing: bool
    summary: str = ""


Check = Callable[[Destination, AlertSettings, datetime], Reading]


def needs_reconnect(destination: Destination, _settings: AlertSettings, _now: datetime) -> Reading:
    if destination.state != ConnectionState.NEEDS_RECONNECT:
        return Reading(False)
    reason = destination.state_reason or "Salesforce refused the stored token"
    return Reading(True, f"{destination.name} needs reconnecting: {reason}. Its deliveries are held.")


def failures(destination: Destination, settings: AlertSettings, now: datetime) -> Reading:
    counts = Delivery.objects.filter(
        destination=destination, status__in=FINISHED, last_attempt_at__gte=now - FAILURE_WINDOW
    ).aggregate(finished=Count("id"), failed=Count("id", filter=Q(status=Status.FAILED)))
    finished, failed = counts["finished"], counts["failed"]
    if finished < settings.failure_minimum or failed * 100 < settings.failure_percent * finished:
        return Reading(False)
    return Reading(
        True,
        f"{failed} of {finished} deliveries failed in the last hour "
        f"(threshold {settings.failure_percent} % of at least {settings.failure_minimum}).",
    )


def lag(destination: Destination, settings: AlertSettings, now: datetime) -> Reading:
    oldest = Delivery.objects.filter(
        destination=destination, status__in=DUE_STATUSES, due_at__lte=now
    ).aggregate(oldest=Min("due_at"))["oldest"]
    if oldest is None or now - oldest <= timedelta(minutes=settings.lag_minutes):
        return Reading(False)
    minutes = int((now - oldest).total_seconds() // 60)
    return Reading(
        True,
        f"The oldest due delivery has waited {minutes} minutes (threshold {settings.lag_minutes}).",
    )


def api_budget_spent(destination: Destination, _settings: AlertSettings, now: datetime) -> Reading:
    budget = api_budget.read(destination, now)
    if not budget.reached:
        return Reading(False)
    share = (
        "a fixed number"
        if destination.api_budget_calls is not None
        else f"{destination.api_budget_percent} % of the org's daily limit"
    )
    resumes = f"{budget.resumes_at:%Y-%m-%d %H:%M} UTC" if budget.resumes_at else "when the budget is raised"
    return Reading(
        True,
        f"{destination.name} spent {budget.used} API calls in the last 24 hours, its budget is {budget.limit} "
        f"({share}). Its deliveries are held until {resumes}.",
    )


CHECKS: dict[str, Check] = {
    Condition.NEEDS_RECONNECT: needs_reconnect,
    Condition.FAILURES: failures,
    Condition.LAG: lag,
    Condition.API_BUDGET: api_budget_spent,
}
