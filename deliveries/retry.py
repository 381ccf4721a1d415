"""When to try a delivery again (pure: no Django, no I/O).

Transient failures are retried with exponential backoff and jitter, for a
window counted from the first attempt (four hours by default, as the hosted
products do); after that the delivery fails as exhausted. Jitter keeps the
retries of a batch that failed together from hitting Salesforce together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)


@dataclass(frozen=True)
class Decision:
    retry_at: datetime | None  # None: give up

    @property
    def exhausted(self) -> bool:
        return self.retry_at is None


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempts``-th failed try: 30 s doubling, capped at 30 min.

    "Equal jitter": at least half the nominal wait, so a retry never comes
    back immediately, plus a random share of the other half.
    """
    # The cap is reached after seven doublings; a bounded exponent keeps a
    # very long run of failures from overflowing the arithmetic.
    nominal = min(MAX_DELAY, BASE_DELAY * (2 ** min(max(0, attempts - 1), 16)))
    half = nominal / 2
    return half + half * (rng or random).random()


def next_try(
    *,
    now: datetime,
    first_attempt_at: datetime,
    attempts: int,
    window: timedelta,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> Decision:
    """Whether and when to retry after the ``attempts``-th transient failure.

    ``retry_after`` (seconds, from a Retry-After header) is honoured as a
    lower bound.
    """
    wait = backoff(attempts, rng)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    retry_at = now + wait
    if retry_at > first_attempt_at + window:
        return Decision(None)
    return Decision(retry_at)
