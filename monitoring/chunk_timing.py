"""The sender's chunk durations as a histogram kept in the database.

Senders run in queue workers and ``/metrics`` is served by web workers, so
an in-process histogram would be seen by nobody; one UPDATE per chunk adds
the duration to every bucket it fits.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from monitoring.models import ChunkBucket, ChunkTiming

# Seconds; +Inf is the timing's own count.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


def record(action_id: str, seconds: float) -> None:
    """Add one chunk of ``action_id`` that took ``seconds``."""
    with transaction.atomic():
        timing = ChunkTiming.objects.filter(action_id=action_id)
        if not timing.update(count=F("count") + 1, sum_seconds=F("sum_seconds") + seconds):
            try:
                with transaction.atomic():
                    ChunkTiming.objects.create(action_id=action_id, count=1, sum_seconds=seconds)
                    ChunkBucket.objects.bulk_create(
                        ChunkBucket(action_id=action_id, le=le, count=int(seconds <= le)) for le in BUCKETS
                    )
                return
            except IntegrityError:
                timing.update(count=F("count") + 1, sum_seconds=F("sum_seconds") + seconds)
        ChunkBucket.objects.filter(action_id=action_id, le__gte=seconds).update(count=F("count") + 1)
