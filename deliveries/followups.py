"""Work that must happen later: send a small REST chunk that waited for
company, flush a Bulk batch that is not full, poll a Bulk job.

A follow-up is a one-off django-q2 schedule: no worker ever sleeps waiting
for its time. The cluster's own scheduler looks at schedules only every 30
seconds, too coarse for a chunk that should go after one second; so
``manage.py followups`` (which ``serve`` runs beside the cluster) hands due
follow-ups to the queue within a quarter of a second of their time, and the
cluster's scheduler remains the fallback where it is not running. The sweep (every
minute) is the safety net for a follow-up that is lost. One follow-up per
(task, subject) is kept: asking again only brings it forward.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from monitoring import heartbeats

logger = logging.getLogger(__name__)


def follow_up(func: str, subject: str, at: datetime) -> None:
    """Run ``func(subject)`` at ``at`` (or soon after), once the current transaction commits."""
    # Robust: a lost follow-up is made up for by the sweep.
    transaction.on_commit(lambda: _schedule(func, subject, at), robust=True)


def _schedule(func: str, subject: str, at: datetime) -> None:
    name = f"{func}:{subject}"[:100]
    pending = Schedule.objects.filter(name=name, func=func, schedule_type=Schedule.ONCE)
    if pending.filter(next_run__lte=at).exists():
        return
    if not pending.update(next_run=at):
        Schedule.objects.create(
            name=name, func=func, args=repr(subject), schedule_type=Schedule.ONCE, next_run=at, repeats=-1
        )


def run_due(broker: Any = None) -> bool:
    """Hand every schedule whose time has come to the queue now; whether there was one.

    The check is one indexed query, cheap enough to make every second; the
    queue's own scheduler does the rest (it locks the rows it runs, so it is
    safe beside the cluster's scheduler doing the same).
    """
    due = Schedule.objects.filter(next_run__lt=timezone.now()).exclude(repeats=0)
    if not due.exists():
        return False
    scheduler(broker=broker)
    return True


def run_on_time(stop: threading.Event, interval: float, broker: Any = None) -> None:
    """Look for due follow-ups every ``interval`` seconds until ``stop`` is set."""
    pacer = heartbeats.Pacer(heartbeats.FOLLOWUPS)
    while not stop.wait(interval):
        # A long-lived loop: drop a connection the database closed meanwhile.
        close_old_connections()
        try:
            # Readiness (/readyz) checks that this loop is turning.
            pacer.maybe_beat()
            run_due(broker)
        except DatabaseError:
            # A busy or restarting database: look again on the next tick.
            logger.warning("follow-ups: the database did not answer; trying again", exc_info=True)
