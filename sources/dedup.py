"""Which messageIds a source has sent before, for longer than its events are kept.

Every stored event leaves its (source, messageId) in ``SeenMessageId``. The
events go after ``DATA_RETENTION_DAYS``; the ids stay ``DEDUP_DAYS``, so a
batch sent again after its events were pruned is still answered as
duplicates and nothing is sent to Salesforce twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from sources.models import Event, SeenMessageId, Source

BATCH = 1000


def seen(source: Source, message_ids: set[str]) -> set[str]:
    """Those of ``message_ids`` the source has sent before."""
    # The events too: an event kept past the window (a delivery still
    # waiting) is still the message it was.
    remembered = SeenMessageId.objects.filter(source=source, message_id__in=message_ids)
    stored = Event.objects.filter(source=source, message_id__in=message_ids)
    # One round trip for both.
    return set(
        remembered.values_list("message_id", flat=True).union(stored.values_list("message_id", flat=True))
    )


def remember(events: Iterable[Event]) -> None:
    """Keep the ids of newly stored events (in the transaction that stores them)."""
    SeenMessageId.objects.bulk_create(
        SeenMessageId(source_id=e.source_id, message_id=e.message_id, received_at=e.received_at)
        for e in events
    )


def forget_old(days: int | None = None) -> int:
    """Delete the ids older than the dedup window; how many went."""
    cutoff = timezone.now() - timedelta(days=days or settings.DEDUP_DAYS)
    removed = 0
    while True:
        ids = list(SeenMessageId.objects.filter(received_at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return removed
        SeenMessageId.objects.filter(pk__in=ids).delete()
        removed += len(ids)
