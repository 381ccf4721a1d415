"""Counting intake outcomes and keeping recent rejected messages, cheaply and within bounds.

A client library ignores the body of a 200, so a message rejected in
permissive mode would vanish without a trace; the source page shows these.
Per source the database holds one row of totals, one count per hour and
kind of reason, and only the latest ``EXAMPLES_KEPT`` examples, so a flood
of bad messages adds to counts, not to rows.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from sources.messages import Rejection
from sources.models import IntakeTotals, RejectedMessage, RejectionCount, Source

EXAMPLES_KEPT = 50
# Rows a source's totals are spread over (see IntakeTotals).
TOTALS_SHARDS = 8
WINDOW = timedelta(hours=24)
_REASON_MAX = 200


def reason_kind(reason: str) -> str:
    """The reason without the value the client sent, so that counts group by rule, not by value."""
    return reason.split("; got ", 1)[0][:_REASON_MAX]


def count(source: Source, *, accepted: int, duplicates: int, rejected: int) -> None:
    """Add to the source's totals (call inside the transaction that stored the messages)."""
    if not (accepted or duplicates or rejected):
        return
    changes = {
        "accepted": F("accepted") + accepted,
        "duplicates": F("duplicates") + duplicates,
        "rejected": F("rejected") + rejected,
    }
    shard = random.randrange(TOTALS_SHARDS)
    row = IntakeTotals.objects.filter(source_id=source.pk, shard=shard)
    if row.update(**changes):
        return
    try:
        with transaction.atomic():
            IntakeTotals.objects.create(
                source_id=source.pk, shard=shard, accepted=accepted, duplicates=duplicates, rejected=rejected
            )
    except IntegrityError:
        row.update(**changes)


def keep(source: Source, rejections: list[Rejection], received_at: datetime) -> None:
    """Count the rejections by hour and reason, and keep the latest few as examples."""
    if not rejections:
        return
    hour = received_at.replace(minute=0, second=0, microsecond=0)
    for kind, number in Counter(reason_kind(r.reason) for r in rejections).items():
        _add_count(source, hour, kind, number)
    RejectedMessage.objects.bulk_create(
        RejectedMessage(
            source_id=source.pk,
            received_at=received_at,
            message_id=r.message_id or "",
            type=(r.type or "")[:20],
            reason=r.reason[:300],
        )
        for r in rejections[-EXAMPLES_KEPT:]
    )
    older = list(
        RejectedMessage.objects.filter(source_id=source.pk)
        .order_by("-received_at", "-id")
        .values_list("pk", flat=True)[EXAMPLES_KEPT : EXAMPLES_KEPT * 3]
    )
    if older:
        RejectedMessage.objects.filter(pk__in=older).delete()


def _add_count(source: Source, hour: datetime, kind: str, number: int) -> None:
    found = RejectionCount.objects.filter(source_id=source.pk, hour=hour, reason=kind)
    if found.update(count=F("count") + number):
        return
    try:
        with transaction.atomic():
            RejectionCount.objects.create(source_id=source.pk, hour=hour, reason=kind, count=number)
    except IntegrityError:
        found.update(count=F("count") + number)


@dataclass(frozen=True)
class Summary:
    """What the source page shows: the last 24 hours' counts by reason, and examples."""

    total: int
    by_reason: list[tuple[str, int]]
    examples: list[RejectedMessage]


def summary(source: Source, now: datetime | None = None) -> Summary:
    since = (now or timezone.now()) - WINDOW
    # Whole hours: the hour that began before the window counts in full.
    counts = (
        RejectionCount.objects.filter(source=source, hour__gt=since - timedelta(hours=1))
        .values("reason")
        .annotate(n=Sum("count"))
        .order_by("-n", "reason")
    )
    by_reason = [(row["reason"], row["n"]) for row in counts]
    examples = list(
        RejectedMessage.objects.filter(source=source, received_at__gt=since).order_by("-received_at", "-id")[
            :EXAMPLES_KEPT
        ]
    )
    return Summary(sum(n for _, n in by_reason), by_reason, examples)


def prune(cutoff: datetime) -> int:
    """Delete counts and examples older than ``cutoff`` (with the events, by the retention rules)."""
    counts, _ = RejectionCount.objects.filter(hour__lt=cutoff).delete()
    examples, _ = RejectedMessage.objects.filter(received_at__lt=cutoff).delete()
    return counts + examples
