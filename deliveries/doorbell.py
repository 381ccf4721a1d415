"""Waking the sender of a lane of an action: django-q2 is only a doorbell.

A task carries a lane's address (``action id:lane``) and nothing else; the
deliveries themselves wait in the database, so a lost task costs at most the
minute until the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from deliveries.lease import ensure_rows
from deliveries.models import DUE_STATUSES, Delivery, SenderLease

SEND_TASK = "deliveries.tasks.send_action"
# A queued task that has not started after this long is taken as lost.
QUEUED_TASK_LOST_AFTER = timedelta(minutes=1)

Wake = str | tuple[str, int]


def address(action_id: str, lane: int) -> str:
    """What a sender task is given: the action and the lane it sends."""
    return f"{action_id}:{lane}"


def parse_address(subject: str) -> tuple[str, int]:
    """The action and lane of a task's address; a bare action id is its lane 0."""
    action_id, _, lane = subject.partition(":")
    return action_id, int(lane) if lane else 0


def ring(wakes: Iterable[Wake]) -> None:
    """Queue a sender task for each lane, once the current transaction commits.

    A wake is ``(action id, lane)``, or an action id alone for every lane of
    the action with due deliveries (and lane 0, which flushes Bulk actions).
    A lane whose task is already queued and not yet started is skipped, so a
    busy source queues one task per lane, not one per request.
    """
    wanted = {(str(w[0]), int(w[1])) if isinstance(w, tuple) else str(w) for w in wakes}
    if wanted:
        # Robust: the caller's work is committed by now; a doorbell that fails
        # (a busy database) must not turn it into an error. The sweep rings
        # every lane with due deliveries within a minute.
        transaction.on_commit(lambda: _enqueue(wanted), robust=True)


def quiet_until(action_id: str, lane: int, until: datetime) -> None:
    """Queue no task for the lane before ``until``: a follow-up wakes it then.

    Recorded as a task queued so long before ``until`` that it counts as
    lost from then on, so rings go through again at ``until`` even if the
    follow-up is late or lost.
    """
    queued_at = until - QUEUED_TASK_LOST_AFTER
    SenderLease.objects.filter(action_id=action_id, lane=lane).update(wake_queued_at=queued_at)


def _enqueue(wanted: Iterable[Wake]) -> None:
    wanted = set(wanted)
    lanes = {w for w in wanted if isinstance(w, tuple)}
    whole = sorted(w for w in wanted if isinstance(w, str))
    if whole:
        lanes |= {(action_id, 0) for action_id in whole}
        due = Delivery.objects.filter(action_id__in=whole, status__in=DUE_STATUSES)
        lanes |= {(str(a), lane) for a, lane in due.values_list("action_id", "lane").distinct()}
    by_action: dict[str, list[int]] = {}
    for action_id, lane in sorted(lanes):
        by_action.setdefault(action_id, []).append(lane)
    for action_id, action_lanes in by_action.items():
        ensure_rows(action_id, action_lanes)
        for lane in action_lanes:
            now = timezone.now()
            not_queued = Q(wake_queued_at__isnull=True) | Q(wake_queued_at__lt=now - QUEUED_TASK_LOST_AFTER)
            if SenderLease.objects.filter(not_queued, action_id=action_id, lane=lane).update(
                wake_queued_at=now
            ):
                async_task(SEND_TASK, address(action_id, lane))
