"""Data Out as data: one plain dict per delivery (for JSON lines and CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

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
)


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
            "status_code": delivery.status_code,
            "error_code": delivery.error_code,
            "error_message": delivery.error_message,
            "error_fields": delivery.error_fields,
            "attempts": delivery.attempts,
            "api_calls": round(delivery.api_calls, 6),
            "bulk_job_id": delivery.bulk_job_id,
            "is_test": delivery.is_test,
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
                for a in delivery.attempt_log.all()
            ]
        yield row
