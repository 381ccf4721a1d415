"""The sender lease: at most one sender works on a lane of an action at a time.

An action's deliveries are spread over lanes (``deliveries.lanes``); each
lane has its own lease row, so several senders work on one action at once,
each on its own lane. Taken with a conditional UPDATE (safe with any number of workers on SQLite
or PostgreSQL). The lease is short and a heartbeat thread renews it while its
sender works, so a killed worker stalls its action only until the lease runs
out, while a healthy sender waiting on a slow Salesforce call keeps it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import timedelta

from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from deliveries.models import SenderLease

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
# Three beats per lease: two may be lost (a busy database) before it runs out.
HEARTBEAT_SECONDS = LEASE.total_seconds() / 3


def acquire(action_id: str, lane: int = 0) -> str | None:
    """Take the lane's lease if it is free or ran out; the lease's token, or None."""
    ensure_rows(action_id, [lane])
    token = secrets.token_hex(16)
    now = timezone.now()
    taken = (
        SenderLease.objects.filter(action_id=action_id, lane=lane)
        .filter(Q(until__isnull=True) | Q(until__lt=now))
        .update(until=now + LEASE, token=token)
    )
    return token if taken else None


def acquire_more(action_id: str, lanes: list[int], token: str) -> list[int]:
    """Take those of ``lanes`` whose leases are free (or ran out) under a lease already held; the lanes now held.

    They share the held lease's token, so its heartbeat renews them and its
    release gives them back with it.
    """
    if not lanes:
        return []
    ensure_rows(action_id, lanes)
    now = timezone.now()
    SenderLease.objects.filter(action_id=action_id, lane__in=lanes).filter(
        Q(until__isnull=True) | Q(until__lt=now) | Q(token=token)
    ).update(until=now + LEASE, token=token)
    held = SenderLease.objects.filter(action_id=action_id, lane__in=lanes, token=token)
    return sorted(held.values_list("lane", flat=True))


def ensure_rows(action_id: str, lanes: list[int]) -> None:
    """The lanes' lease rows, made if missing (two workers may make one at once: one wins)."""
    SenderLease.objects.bulk_create(
        [SenderLease(action_id=action_id, lane=lane) for lane in lanes], ignore_conflicts=True
    )


def renew(action_id: str, token: str) -> bool:
    """Extend the lease; whether it is still ours."""
    return bool(
        SenderLease.objects.filter(action_id=action_id, token=token).update(until=timezone.now() + LEASE)
    )


def release(action_id: str, token: str) -> None:
    """Give the lease back, even over a database connection that died meanwhile.

    A connection the database closed (a restart, a terminated backend) fails
    the first try; a fresh one is opened for the second. Failing that, the
    lease runs out by itself within ``LEASE``.
    """
    for last_try in (False, True):
        try:
            SenderLease.objects.filter(action_id=action_id, token=token).update(until=None, token="")
            return
        except DatabaseError:
            if last_try or connection.in_atomic_block:
                logger.warning("could not release the lease of action %s; it runs out by itself", action_id)
                return
            connection.close()


class Heartbeat:
    """Renews a lease every ``every`` seconds on a thread of its own, until stopped.

    ``fresh()`` says whether the lease is surely still ours: the last renewal
    is recent enough that it cannot have run out. A sender starts no call
    once it is not.
    """

    def __init__(self, action_id: str, token: str, every: float = HEARTBEAT_SECONDS) -> None:
        self.action_id, self.token, self.every = action_id, token, every
        self._renewed = time.monotonic()
        self._lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease {action_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def fresh(self) -> bool:
        margin = self.every
        return not self._lost and time.monotonic() - self._renewed < LEASE.total_seconds() - margin

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                started = time.monotonic()
                try:
                    self._lost = not renew(self.action_id, self.token)
                except DatabaseError:
                    logger.warning("lease heartbeat of action %s failed; trying again", self.action_id)
                    connection.close()
                    continue
                self._renewed = started
        finally:
            # The thread's own connection: not left open for the database to reap.
            connection.close()
