"""django-q2 tasks: thin wrappers that call plain functions with ids."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from actions.models import Action
from deliveries import bulk_polling, bulk_recovery, doorbell, sender
from deliveries.doorbell import ring
from deliveries.followups import follow_up
from deliveries.holding import retry_held_of_connected
from deliveries.interrupted import recover_interrupted_sends
from deliveries.models import DUE_STATUSES, Delivery, SenderLease, Status
from deliveries.pruning import prune_old_bulk_jobs, prune_old_calls, prune_old_events, prune_old_rejections
from destinations import api_budget
from monitoring import log_context
from sources import dedup


def send_action(subject: str) -> None:
    """Send a lane of an action; ``subject`` is its address (``action id:lane``)."""
    action_id, lane = doorbell.parse_address(subject)
    with log_context.bound(**_ids_of_action(action_id)):
        sender.run(action_id, lane=lane, linger=settings.DELIVERY_REST_LINGER_MS / 1000)


def _ids_of_action(action_id: str) -> dict[str, Any]:
    """The ids the sender's log lines carry (none when the action is gone)."""
    found = Action.objects.filter(pk=action_id).values_list("destination_id", "destination__workspace_id")
    for destination_id, workspace_id in found:
        return {"workspace": workspace_id, "destination": destination_id, "action": action_id}
    return {"action": action_id}


def poll_bulk_job(job_pk: str) -> None:
    bulk_polling.poll(int(job_pk))


def sweep() -> int:
    """Wake every action with due deliveries (every minute).

    Covers a lost task, a worker that died mid-chunk (its lease expires and
    its half-sent deliveries are made due again), a retry coming due, a
    quota pause ending and deliveries held by a destination that is still
    connected (a session rejected twice); and for Bulk jobs, a lost poll
    follow-up and a job a crashed worker left unclosed.
    """
    recover_interrupted_sends()
    api_budget.forget_old()
    retry_held_of_connected()
    _look_again_when_leases_end()
    bulk_recovery.recover_interrupted()
    bulk_polling.poll_due()
    due = Delivery.objects.filter(status__in=DUE_STATUSES, due_at__lte=timezone.now())
    lanes = [(str(a), lane) for a, lane in due.values_list("action_id", "lane").distinct()]
    ring(lanes)
    return len({action_id for action_id, _ in lanes})


def _look_again_when_leases_end() -> None:
    """A send in progress under a lane's lease: look again the moment the lease would run out.

    A sender at work renews its lease and the look finds it taken; a killed
    one does not, and the look takes over then, not at the next sweep.
    """
    now = timezone.now()
    sending = Delivery.objects.filter(
        action_id=OuterRef("action_id"), lane=OuterRef("lane"), status=Status.SENDING, bulk_send__isnull=True
    )
    in_progress = SenderLease.objects.filter(Exists(sending), until__gte=now).values_list(
        "action_id", "lane", "until"
    )
    for action_id, lane, lease_until in in_progress:
        assert lease_until is not None  # filtered on
        follow_up(
            doorbell.SEND_TASK, doorbell.address(str(action_id), lane), lease_until + timedelta(seconds=1)
        )


def prune() -> int:
    # The message ids outlive their events (sources.dedup), pruned on their own clock.
    return (
        prune_old_events()
        + prune_old_calls()
        + prune_old_bulk_jobs()
        + prune_old_rejections()
        + dedup.forget_old()
    )
