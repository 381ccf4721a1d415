"""A chunk's shared calls stored once, and read back for many attempts at once.

A lookup made for a chunk of 1,000 deliveries used to be copied into each of
their attempt rows; now it is one ``SalesforceCall`` row that each attempt
lists by id, and the attempt keeps only its own part of the other calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from deliveries.models import Attempt, SalesforceCall
from deliveries.outcomes import Outcome, SharedCall
from destinations.models import Destination

# Calls kept in memory while many attempts are read (a chunk's lookups are few).
_KEPT = 1000


def store(
    destination: Destination, attempts: Sequence[Attempt], outcomes: Sequence[Outcome], now: datetime
) -> None:
    """Give each attempt its outcome's calls: each shared call stored once (one INSERT), the rest its own."""
    rows: dict[SharedCall, SalesforceCall] = {}
    for outcome in outcomes:
        for call in outcome.shared:
            if call not in rows:
                rows[call] = SalesforceCall(
                    destination=destination,
                    request=call.request,
                    response=call.response,
                    duration_ms=call.duration_ms,
                    created_at=now,
                )
    SalesforceCall.objects.bulk_create(rows.values())
    for attempt, outcome in zip(attempts, outcomes, strict=True):
        positions = range(len(outcome.shared)) if outcome.shared_at is None else outcome.shared_at
        at = dict(zip(positions, outcome.shared, strict=True))
        own = [i for i in range(len(outcome.requests)) if i not in at]
        attempt.own_requests = [outcome.requests[i] for i in own]
        attempt.own_responses = [outcome.responses[i] for i in own if i < len(outcome.responses)]
        # A null where an own call was made between shared ones; none after the last shared call.
        layout = [rows[at[i]].pk if i in at else None for i in range(len(outcome.requests))]
        while layout and layout[-1] is None:
            layout.pop()
        attempt.shared_calls = layout
        attempt._shared_cache = [rows[at[i]] for i in sorted(at)]


class Reader:
    """Attaches the shared calls of attempts read one delivery after another, with few queries."""

    def __init__(self) -> None:
        self._known: dict[int, SalesforceCall] = {}

    def attach(self, attempts: Iterable[Attempt]) -> list[Attempt]:
        attempts = list(attempts)
        wanted = {pk for a in attempts for pk in a.shared_calls if pk is not None and pk not in self._known}
        if wanted:
            if len(self._known) + len(wanted) > _KEPT:
                self._known.clear()
            self._known.update(SalesforceCall.objects.in_bulk(list(wanted)))
        for attempt in attempts:
            attempt._shared_cache = [
                self._known[pk] for pk in attempt.shared_calls if pk is not None and pk in self._known
            ]
        return attempts


def prune(cutoff: datetime) -> int:
    """Delete the calls made before ``cutoff`` that no attempt still lists.

    A call is made after the attempts that list it started, so only attempts
    started before ``cutoff`` can list it; once old events are pruned, those
    are the few of deliveries still waiting.
    """
    listed = {
        pk
        for ids in Attempt.objects.filter(started_at__lt=cutoff).values_list("shared_calls", flat=True)
        for pk in ids or []
    }
    old = SalesforceCall.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)
    unlisted = [pk for pk in old.iterator(chunk_size=2000) if pk not in listed]
    removed = 0
    for start in range(0, len(unlisted), 1000):
        count, _ = SalesforceCall.objects.filter(pk__in=unlisted[start : start + 1000]).delete()
        removed += count
    return removed
