"""Writing and reading heartbeats of the queue workers and of ``manage.py followups``.

A heartbeat is one row per kind of process, overwritten in place, so it
costs one small UPDATE every few seconds whatever the number of processes.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.utils import timezone

from monitoring.models import Heartbeat

logger = logging.getLogger(__name__)

WORKER = "worker"
FOLLOWUPS = "followups"
# Readiness wants a beat younger than a minute; beating four times as often
# leaves room for a busy database.
INTERVAL_SECONDS = 15.0
MAX_AGE = timedelta(minutes=1)


def beat(name: str, at: datetime | None = None) -> None:
    """Record that a process of kind ``name`` is alive now."""
    at = at or timezone.now()
    if Heartbeat.objects.filter(name=name).update(beat_at=at):
        return
    try:
        with transaction.atomic():
            Heartbeat.objects.create(name=name, beat_at=at)
    except IntegrityError:
        # Another process created it in the meantime.
        Heartbeat.objects.filter(name=name).update(beat_at=at)


def is_fresh(name: str, now: datetime | None = None) -> bool:
    """Whether a process of kind ``name`` beat within the last minute."""
    beat_at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return beat_at is not None and beat_at > (now or timezone.now()) - MAX_AGE


class Pacer:
    """Beats at most once per interval, for loops that turn more often than that."""

    def __init__(self, name: str, interval: float = INTERVAL_SECONDS) -> None:
        self.name, self.interval = name, interval
        self._last = float("-inf")

    def maybe_beat(self) -> None:
        if time.monotonic() - self._last < self.interval:
            return
        self._last = time.monotonic()
        beat(self.name)


def start_worker_heartbeat(**_: Any) -> None:
    """Beat for this queue worker from a daemon thread, which dies with the worker."""
    threading.Thread(target=_beat_forever, args=(WORKER,), name="heartbeat", daemon=True).start()


def _beat_forever(name: str) -> None:
    while True:
        close_old_connections()
        try:
            beat(name)
        except DatabaseError:
            # A busy or restarting database: readiness shows it; try again.
            logger.warning("heartbeat: the database did not answer", exc_info=True)
        time.sleep(INTERVAL_SECONDS)
