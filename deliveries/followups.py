"""Work that must happen later (flush a Bulk batch that is not full, poll a Bulk job).

A follow-up is a one-off django-q2 schedule: no worker ever sleeps waiting
for its time. The cluster's scheduler looks at schedules about every 30
seconds, so a follow-up runs at its time or up to that much later; the
sweep (every minute) is the safety net for one that is lost. One follow-up
per (task, subject) is kept: asking again only brings it forward.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django_q.models import Schedule


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
