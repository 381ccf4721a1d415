"""django-q2 tasks: thin wrappers that call plain functions with ids."""

from __future__ import annotations

from django.utils import timezone

from deliveries import bulk_polling, sender
from deliveries.doorbell import ring
from deliveries.interrupted import recover_interrupted_sends
from deliveries.models import DUE_STATUSES, Delivery
from deliveries.pruning import prune_old_bulk_jobs, prune_old_events, prune_old_rejections


def send_action(action_id: str) -> None:
    sender.run(action_id)


def poll_bulk_job(job_pk: str) -> None:
    bulk_polling.poll(int(job_pk))


def sweep() -> int:
    """Wake every action with due deliveries (every minute).

    Covers a lost task, a worker that died mid-chunk (its lease expires and
    its half-sent deliveries are made due again), a retry coming due and a
    quota pause ending; and for Bulk jobs, a lost poll follow-up and a job a
    crashed worker left unclosed.
    """
    recover_interrupted_sends()
    bulk_polling.recover_interrupted()
    bulk_polling.poll_due()
    due = Delivery.objects.filter(status__in=DUE_STATUSES, due_at__lte=timezone.now())
    action_ids = [str(a) for a in due.values_list("action_id", flat=True).distinct()]
    ring(action_ids)
    return len(action_ids)


def prune() -> int:
    return prune_old_events() + prune_old_bulk_jobs() + prune_old_rejections()
