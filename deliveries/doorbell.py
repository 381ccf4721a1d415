"""Waking the sender of an action: django-q2 is only a doorbell.

A task carries an action id and nothing else; the deliveries themselves wait
in the database, so a lost task costs at most the minute until the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from actions.models import Action

SEND_TASK = "deliveries.tasks.send_action"
# A queued task that has not started after this long is taken as lost.
QUEUED_TASK_LOST_AFTER = timedelta(minutes=1)


def ring(action_ids: Iterable[str]) -> None:
    """Queue a sender task for each action, once the current transaction commits.

    An action whose task is already queued and not yet started is skipped,
    so a busy source queues one task per action, not one per request.
    """
    ids = sorted({str(action_id) for action_id in action_ids})
    if ids:
        # Robust: the caller's work is committed by now; a doorbell that fails
        # (a busy database) must not turn it into an error. The sweep rings
        # every action with due deliveries within a minute.
        transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(action_ids: list[str]) -> None:
    for action_id in action_ids:
        now = timezone.now()
        not_queued = Q(wake_queued_at__isnull=True) | Q(wake_queued_at__lt=now - QUEUED_TASK_LOST_AFTER)
        if Action.objects.filter(not_queued, pk=action_id).update(wake_queued_at=now):
            async_task(SEND_TASK, action_id)
