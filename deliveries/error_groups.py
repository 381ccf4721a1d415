"""Why deliveries failed lately: failures grouped by Salesforce error code, most frequent first.

Hundreds of failed rows usually have two or three causes; the groups name
them, so a marketer fixes the cause (a validation rule, a missing field)
before retrying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, QuerySet

from deliveries.models import Delivery, Status

TOP = 5


@dataclass(frozen=True)
class ErrorGroup:
    code: str
    count: int
    sample: str  # one of the group's messages


def top_errors(deliveries: QuerySet[Delivery], since: datetime, limit: int = TOP) -> list[ErrorGroup]:
    """The most frequent error codes of failed deliveries created since ``since``: one query."""
    grouped = (
        deliveries.filter(status=Status.FAILED, created_at__gte=since)
        .exclude(error_code="")
        .values("error_code")
        .annotate(count=Count("id"), sample=Max("error_message"))
        .order_by("-count", "error_code")[:limit]
    )
    return [ErrorGroup(row["error_code"], row["count"], row["sample"]) for row in grouped]
