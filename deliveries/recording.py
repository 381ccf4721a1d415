"""Writing each delivery's outcome and completing its attempt row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from actions.models import Action
from deliveries import shared_calls
from deliveries.models import DUE_STATUSES, Attempt, Delivery, Status
from deliveries.outcomes import Outcome, Result
from deliveries.retry import next_try
from deliveries.saving import insert_each, update_each
from destinations.models import Destination

# The error code of a create whose outcome is unknown (see ``_unknown``).
OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"

_FINAL = {
    Result.DELIVERED: Status.DELIVERED,
    Result.FAILED: Status.FAILED,
    Result.MULTIPLE_MATCHES: Status.MULTIPLE_MATCHES,
    Result.HELD: Status.HELD,
}
_DELIVERY_FIELDS = [
    "status",
    "due_at",
    "attempts",
    "first_attempt_at",
    "record_id",
    "created_record",
    "status_code",
    "error_code",
    "error_message",
    "error_fields",
    "refused_before_sending",
    "matched_record_ids",
    "api_calls",
    "updated_at",
]


def due_chunk(action_id: str, size: int, lane: int = 0) -> list[Delivery]:
    """The next ``size`` due deliveries of one lane of the action, oldest first, with their events, in one SELECT.

    Each carries the number of its last attempt row (``last_attempt_number``),
    so that numbering the new rows needs no second query.
    """
    last = Attempt.objects.filter(delivery=OuterRef("pk")).order_by("-number").values("number")[:1]
    return list(
        Delivery.objects.filter(
            action_id=action_id, lane=lane, status__in=DUE_STATUSES, due_at__lte=timezone.now()
        )
        .select_related("event")
        .annotate(last_attempt_number=Subquery(last))
        .order_by("id")[:size]
    )


@transaction.atomic
def start_attempts(action: Action, due: list[Delivery]) -> list[Attempt]:
    """Mark the deliveries as sending and write their attempt rows, before anything is sent."""
    now = timezone.now()
    for delivery in due:
        delivery.status = Status.SENDING
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_attempt_at = now
        delivery.operation = action.operation
        delivery.sobject = action.sobject_name
        delivery.updated_at = now
    update_each(
        due,
        ["status", "attempts", "first_attempt_at", "last_attempt_at", "operation", "sobject", "updated_at"],
    )
    last = _last_attempt_numbers(due)
    attempts = [
        Attempt(delivery=d, number=last.get(d.pk, 0) + 1, started_at=now, outcome="sending") for d in due
    ]
    insert_each(attempts)
    return attempts


def _last_attempt_numbers(due: list[Delivery]) -> dict[int, int]:
    """The number of each delivery's last attempt row.

    Rows are numbered from the rows, not from ``Delivery.attempts``: a try
    that spent no retry (the quota was spent) is given back in the count but
    keeps its row, so the next row must come after it. Deliveries read by
    ``due_chunk`` carry the number already; others are asked for.
    """
    if all(hasattr(d, "last_attempt_number") for d in due):
        numbers = {d.pk: getattr(d, "last_attempt_number", None) for d in due}
        return {pk: number for pk, number in numbers.items() if number is not None}
    rows = (
        Attempt.objects.filter(delivery__in=[d.pk for d in due])
        .order_by()
        .values("delivery_id")
        .annotate(last=Max("number"))
    )
    return {row["delivery_id"]: row["last"] for row in rows}


@transaction.atomic
def record_outcomes(
    destination: Destination,
    deliveries: list[Delivery],
    attempts: list[Attempt],
    outcomes: dict[int, Outcome],
    duration_ms: int,
    api_usage: tuple[int, int] | None,
) -> None:
    now = timezone.now()
    paused_until = _pause_if_quota_spent(destination, outcomes.values(), now)
    settled = []
    for delivery, attempt in zip(deliveries, attempts, strict=True):
        outcome = outcomes.get(delivery.pk) or Outcome(
            Result.RETRY, message="The attempt produced no outcome."
        )
        settled.append(outcome)
        _apply(delivery, outcome, now, paused_until)
        attempt.duration_ms = duration_ms
        attempt.api_calls = outcome.api_calls
        attempt.outcome = delivery.status
        delivery.updated_at = now
    shared_calls.store(destination, attempts, settled, now)
    update_each(deliveries, _DELIVERY_FIELDS)
    update_each(
        attempts, ["duration_ms", "own_requests", "own_responses", "shared_calls", "api_calls", "outcome"]
    )
    if api_usage is not None:
        Destination.objects.filter(pk=destination.pk).update(
            api_requests_used=api_usage[0], api_requests_max=api_usage[1], api_usage_at=now
        )


def _pause_if_quota_spent(
    destination: Destination, outcomes: Iterable[Outcome], now: datetime
) -> datetime | None:
    limited = [o for o in outcomes if o.result is Result.RATE_LIMITED]
    if not limited:
        return None
    wait = max((timedelta(seconds=o.retry_after) for o in limited if o.retry_after), default=_quota_pause())
    until = now + wait
    Destination.objects.filter(pk=destination.pk).update(paused_until=until)
    return until


def _quota_pause() -> timedelta:
    return timedelta(seconds=settings.DELIVERY_QUOTA_PAUSE_SECONDS)


def _apply(delivery: Delivery, outcome: Outcome, now: datetime, paused_until: datetime | None) -> None:
    if outcome.result is Result.NOT_SENT:
        _give_back(delivery, outcome)
        return
    delivery.status_code = outcome.status_code
    delivery.error_code = outcome.error_code
    delivery.error_message = outcome.message
    delivery.error_fields = outcome.fields
    delivery.refused_before_sending = outcome.refused_before_sending
    delivery.matched_record_ids = outcome.matched_record_ids
    delivery.api_calls += outcome.api_calls
    if outcome.record_id:
        delivery.record_id = outcome.record_id
    if outcome.result is Result.DELIVERED:
        delivery.created_record = outcome.created
    if outcome.result is Result.UNKNOWN:
        _unknown(delivery, outcome, now)
    elif outcome.result in _FINAL:
        delivery.status = _FINAL[outcome.result]
    elif outcome.result is Result.RATE_LIMITED:
        # Waiting for the quota is not a failed try: it spends no retry.
        delivery.status = Status.RETRYING
        delivery.due_at = paused_until or now + _quota_pause()
        delivery.attempts -= 1
        if delivery.attempts == 0:
            delivery.first_attempt_at = None
    else:
        _retry_or_give_up(delivery, outcome, now)


def _give_back(delivery: Delivery, outcome: Outcome) -> None:
    """Not sent after all (the sender ran out of time): due as before, no try spent."""
    delivery.api_calls += outcome.api_calls
    delivery.attempts -= 1
    if delivery.attempts == 0:
        delivery.first_attempt_at = None
        delivery.status = Status.PENDING
    else:
        delivery.status = Status.RETRYING


def _unknown(delivery: Delivery, outcome: Outcome, now: datetime) -> None:
    """A write that got no answer is never sent again blindly.

    An action that finds its record first (update, upsert, delete) looks
    again once Salesforce can no longer be working on the first request, and
    finds what it made. A create has nothing to look up with: sent again it
    could make a second record, so it waits for a person.
    """
    if delivery.operation == "create":
        delivery.status = Status.FAILED
        delivery.error_code = OUTCOME_UNKNOWN
        delivery.error_message = unknown_outcome_message(f"Salesforce did not answer: {outcome.message}")
        return
    # Looking again sooner would find nothing and create; later only delays.
    delivery.status = Status.RETRYING
    delivery.due_at = now + timedelta(seconds=outcome.retry_after or 0)


def unknown_outcome_message(why: str) -> str:
    return (
        f"Outcome unknown — the record may exist ({why}). Salesforce may have created it, so this "
        "create is not retried automatically (it could make a second record): look for the record "
        "in Salesforce, and retry this delivery by hand if it is not there."
    )


def _retry_or_give_up(delivery: Delivery, outcome: Outcome, now: datetime) -> None:
    decision = next_try(
        now=now,
        first_attempt_at=delivery.first_attempt_at or now,
        attempts=delivery.attempts,
        window=timedelta(hours=settings.DELIVERY_RETRY_HOURS),
        retry_after=outcome.retry_after,
    )
    if decision.retry_at is None:
        delivery.status = Status.FAILED
        delivery.error_message = (
            f"{outcome.message} (gave up after {delivery.attempts} attempts over "
            f"{settings.DELIVERY_RETRY_HOURS} hours)"
        ).strip()
    else:
        delivery.status = Status.RETRYING
        delivery.due_at = decision.retry_at
