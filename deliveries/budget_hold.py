"""Holding a destination's deliveries while its API budget is spent.

They wait as *held*, due when the rolling 24-hour use frees up again, with
the reason and that time on each row; the sweep makes them due once that
time has come (``holding.retry_held_of_connected``), and the sender checks
the budget again before it spends anything. Raising the budget releases
them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from deliveries.doorbell import ring
from deliveries.execution import CallTrace
from deliveries.models import DUE_STATUSES, Delivery, Status
from destinations import api_budget
from destinations.api_budget import Budget
from destinations.models import Destination

BUDGET_REACHED = "API_BUDGET_REACHED"


def reason(resumes_at: datetime | None) -> str:
    if resumes_at is None:
        return "API budget reached — resumes when the budget is raised"
    return f"API budget reached — resumes at {resumes_at:%Y-%m-%d %H:%M} UTC"


def hold_for_budget(destination: Destination, budget: Budget) -> int:
    """Hold every delivery of the destination waiting to be sent; how many."""
    now = timezone.now()
    resumes_at = budget.resumes_at or now
    return Delivery.objects.filter(destination=destination, status__in=DUE_STATUSES).update(
        status=Status.HELD,
        error_code=BUDGET_REACHED,
        error_message=reason(budget.resumes_at),
        # A retry already due later than that keeps its own time.
        due_at=Greatest(F("due_at"), Value(resumes_at, output_field=DateTimeField())),
        updated_at=now,
    )


def release_if_room(destination: Destination) -> list[str]:
    """Make the deliveries held for the budget due now if it has room again (it was raised); the action ids."""
    if api_budget.read(destination).reached:
        return []
    now = timezone.now()
    held = Delivery.objects.filter(destination=destination, status=Status.HELD, error_code=BUDGET_REACHED)
    action_ids = [str(a) for a in held.values_list("action_id", flat=True).distinct()]
    held.update(status=Status.PENDING, due_at=now, updated_at=now)
    ring(action_ids)
    return action_ids


def calls_left(budget: Budget, trace: CallTrace) -> Callable[[], int | None]:
    """Asked before each wave of a chunk's calls: how many more the budget allows (None: no limit).

    A wave is trimmed to it, so a chunk never starts a call past the budget.
    """
    remaining = budget.remaining
    if remaining is None:
        return lambda: None
    return lambda: max(0, remaining - trace.spent)
