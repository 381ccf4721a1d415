"""Deleting old events and their Data Out records after the retention period."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from deliveries import shared_calls
from deliveries.models import FINAL_STATUSES, BulkJob, BulkPhase, Delivery
from sources import rejections
from sources.models import Event

BATCH = 1000


def prune_old_events(days: int | None = None) -> int:
    """Delete events older than the retention period whose deliveries are all final.

    An event with a delivery still waiting (pending, retrying, held) is kept
    however old it is: an acknowledged event is never lost.
    """
    cutoff = timezone.now() - timedelta(days=days or settings.DATA_RETENTION_DAYS)
    waiting = Delivery.objects.exclude(status__in=FINAL_STATUSES).values("event_id")
    removed = 0
    while True:
        ids = list(
            Event.objects.filter(received_at__lt=cutoff)
            .exclude(pk__in=waiting)
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return removed
        Event.objects.filter(pk__in=ids).delete()
        removed += len(ids)


def prune_old_calls(days: int | None = None) -> int:
    """Delete the shared Salesforce calls older than the retention period that no attempt lists any more."""
    return shared_calls.prune(timezone.now() - timedelta(days=days or settings.DATA_RETENTION_DAYS))


def prune_old_bulk_jobs(days: int | None = None) -> int:
    """Delete finished Bulk job records older than the retention period (their deliveries keep the job id)."""
    cutoff = timezone.now() - timedelta(days=days or settings.DATA_RETENTION_DAYS)
    removed, _ = BulkJob.objects.filter(phase=BulkPhase.FINISHED, finished_at__lt=cutoff).delete()
    return removed


def prune_old_rejections(days: int | None = None) -> int:
    """Delete rejected-message counts and examples older than the retention period, like events."""
    return rejections.prune(timezone.now() - timedelta(days=days or settings.DATA_RETENTION_DAYS))
