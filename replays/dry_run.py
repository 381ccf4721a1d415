"""The count a replay page shows before anything is created: no Salesforce call, no write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from actions.models import Action
from replays.selection import already_sent, events_in_range, pages, taker
from sources.models import Source

# A dry run stops after this long and says its count is partial.
TIME_BUDGET_SECONDS = 10.0


@dataclass(frozen=True)
class DryRun:
    total: int  # events in the range
    looked_at: int
    matched: int  # taken by the trigger
    already_sent: int  # of those, sent since the action last changed

    @property
    def complete(self) -> bool:
        return self.looked_at >= self.total

    def to_send(self, force: bool) -> int:
        return self.matched if force else self.matched - self.already_sent


def count(
    action: Action,
    start: datetime,
    end: datetime,
    source: Source | None = None,
    *,
    budget_seconds: float = TIME_BUDGET_SECONDS,
) -> DryRun:
    """How many events of the range the action's trigger takes (raises ``ReplayRefused``)."""
    events = events_in_range(action, start, end, source)
    takes = taker(action)
    total = events.count()
    deadline = time.monotonic() + budget_seconds
    looked_at = matched = sent = 0
    for page in pages(events):
        taken = [event_id for event_id, payload in page if takes(payload)]
        looked_at += len(page)
        matched += len(taken)
        sent += len(already_sent(action, taken))
        if time.monotonic() > deadline:
            break
    return DryRun(total=total, looked_at=looked_at, matched=matched, already_sent=sent)
