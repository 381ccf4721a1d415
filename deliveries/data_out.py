"""Data Out as data: the deliveries a filter selects, one plain dict each (for JSON lines and CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet

from deliveries import shared_calls
from deliveries.filters import Filter
from deliveries.models import Delivery
from destinations.models import Destination

CSV_COLUMNS = (
    "id",
    "created_at",
    "status",
    "destination",
    "action",
    "operation",
    "sobject",
    "event_type",
    "event_name",
    "message_id",
    "user_id",
    "email",
    "record_id",
    "created_record",
    "status_code",
    "error_code",
    "error_message",
    "attempts",
    "api_calls",
    "bulk_job_id",
    "is_test",
    "is_replay",
    "refused_before_sending",
    "matched_record_ids",
)


def filtered(deliveries: QuerySet[Delivery], selection: Filter) -> QuerySet[Delivery]:
    """The deliveries the filter selects (the page, its CSV and "retry all" share this)."""
    if selection.status:
        deliveries = deliveries.filter(status=selection.status)
    if selection.action_id:
        deliveries = deliveries.filter(action_id=selection.action_id)
    if selection.start:
        deliveries = deliveries.filter(created_at__gte=selection.start)
    if selection.end:
        deliveries = deliveries.filter(created_at__lt=selection.end)
    if selection.bulk_job:
        deliveries = deliveries.filter(bulk_job_id=selection.bulk_job)
    if selection.error:
        deliveries = deliveries.filter(error_code=selection.error)
    if selection.replayed:
        deliveries = deliveries.filter(replay__isnull=selection.replayed == "no")
    if selection.search:
        term = selection.search
        deliveries = deliveries.filter(
            Q(event__user_id=term)
            | Q(event__email__iexact=term)
            | Q(event__message_id=term)
            | Q(record_id=term)
        )
    return deliveries


def rows_of_bulk_job(
    destination: Destination, job_id: str, *, with_attempts: bool = False
) -> Iterator[dict[str, Any]]:
    """The Data Out rows of one Bulk API job, each with its own record's result.

    A 15-character job id finds the job as its 18-character form does.
    """
    deliveries = Delivery.objects.filter(destination=destination, bulk_job_id__startswith=job_id[:15])
    return rows(deliveries, with_attempts=with_attempts)


def rows(deliveries: QuerySet[Delivery], *, with_attempts: bool = False) -> Iterator[dict[str, Any]]:
    """Each delivery as a flat dict, newest first, streamed in batches."""
    queryset = deliveries.select_related("action", "destination", "event").order_by("-created_at", "-id")
    if with_attempts:
        queryset = queryset.prefetch_related("attempt_log")
    calls = shared_calls.Reader()
    for delivery in queryset.iterator(chunk_size=500):
        row = {
            "id": delivery.pk,
            "created_at": delivery.created_at.isoformat(),
            "status": delivery.status,
            "destination": delivery.destination.name,
            "action": delivery.action.name,
            "operation": delivery.operation,
            "sobject": delivery.sobject,
            "event_type": delivery.event.type,
            "event_name": delivery.event.name,
            "message_id": delivery.event.message_id,
            "user_id": delivery.event.user_id,
            "email": delivery.event.email,
            "record_id": delivery.record_id,
            "created_record": delivery.created_record,
            # What Salesforce answered; None when it was never asked (a
            # refusal before sending) or has not answered yet.
            "salesforce_status": delivery.status_code,
            "status_code": delivery.status_code,
            "refused_before_sending": delivery.refused_before_sending,
            "error_code": delivery.error_code,
            "error_message": delivery.error_message,
            "error_fields": delivery.error_fields,
            "matched_record_ids": delivery.matched_record_ids,
            "attempts": delivery.attempts,
            "api_calls": round(delivery.api_calls, 6),
            "bulk_job_id": delivery.bulk_job_id,
            "is_test": delivery.is_test,
            # Made by a replay of stored events (and which), not routed at intake.
            "is_replay": delivery.replay_id is not None,
            "replay_id": delivery.replay_id,
            "due_at": delivery.due_at.isoformat(),
        }
        if with_attempts:
            row["attempt_log"] = [
                {
                    "number": a.number,
                    "started_at": a.started_at.isoformat(),
                    "duration_ms": a.duration_ms,
                    "outcome": a.outcome,
                    "api_calls": round(a.api_calls, 6),
                    "requests": a.requests,
                    "responses": a.responses,
                }
                for a in calls.attach(delivery.attempt_log.all())
            ]
        yield row


# A spreadsheet runs a cell that starts with one of these as a formula; event
# data is whatever a client sent, so such a cell is kept as text (OWASP's advice).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value made safe to open in a spreadsheet: text that looks like a formula gets a leading quote.

    A list (the matched record ids) becomes one cell, its items separated by spaces.
    """
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose ``write`` hands back the line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(data: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The rows as CSV text, header first, one line at a time (for a streaming response)."""
    writer = csv.DictWriter(_Line(), fieldnames=CSV_COLUMNS, extrasaction="ignore")
    yield writer.writeheader()
    for row in data:
        yield writer.writerow({key: csv_cell(value) for key, value in row.items()})
