"""The sender lease: at most one sender works on an action at a time.

Taken with a conditional UPDATE (safe with any number of workers on SQLite
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

from actions.models import Action

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
# Three beats per lease: two may be lost (a busy database) before it runs out.
HEARTBEAT_SECONDS = LEASE.total_seconds() / 3


def acquire(action_id: str) -> str | None:
    """Take the action's lease if it is free or ran out; the lease's token, or None."""
    token = secrets.token_hex(16)
    now = timezone.now()
    taken = (
        Action.objects.filter(pk=action_id)
        .filter(Q(sender_lease_until__isnull=True) | Q(sender_lease_until__lt=now))
        .update(sender_lease_until=now + LEASE, sender_lease_token=token)
    )
    return token if taken else None


def renew(action_id: str, token: str) -> bool:
    """Extend the lease; whether it is still ours."""
    return bool(
        Action.objects.filter(pk=action_id, sender_lease_token=token).update(
            sender_lease_until=timezone.now() + LEASE
        )
    )


def release(action_id: str, token: str) -> None:
    """Give the lease back, even over a database connection that died meanwhile.

    A connection the database closed (a restart, a terminated backend) fails
    the first try; a fresh one is opened for the second. Failing that, the
    lease runs out by itself within ``LEASE``.
    """
    for last_try in (False, True):
        try:
            Action.objects.filter(pk=action_id, sender_lease_token=token).update(
                sender_lease_until=None, sender_lease_token=""
            )
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
