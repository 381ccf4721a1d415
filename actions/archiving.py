"""Deleting an action without losing what it sent: it is archived, and can be restored.

An archived action is hidden from the Actions tab, configuration exports and
imports; it takes no new events and sends nothing. Its deliveries stay in
Data Out. The ones still waiting to be sent when it was archived are closed
as failed with a reason that says so (rather than left waiting for ever),
so that a restored action can send them again with *Retry*.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery, Status

# The error code of a delivery closed because its action was deleted.
ACTION_DELETED = "ACTION_DELETED"
CLOSED_MESSAGE = (
    "Not sent: the action was deleted before this delivery went out. "
    "Restore the action (Actions tab, Archived actions), then retry it."
)
WAITING = (Status.PENDING, Status.RETRYING, Status.HELD)


@dataclass(frozen=True)
class History:
    """What deleting an action keeps and what it stops, for its confirmation."""

    deliveries: int
    waiting: int


def history_of(action: Action) -> History:
    counts = Delivery.objects.filter(action=action).aggregate(
        deliveries=Count("id"), waiting=Count("id", filter=Q(status__in=WAITING))
    )
    return History(deliveries=counts["deliveries"], waiting=counts["waiting"])


@transaction.atomic
def archive(action: Action) -> int:
    """Archive the action; how many of its waiting deliveries were closed.

    The conditional UPDATE makes a second click (or a second tab) harmless.
    """
    now = timezone.now()
    Action.objects.filter(pk=action.pk, archived_at__isnull=True).update(archived_at=now, updated_at=now)
    action.refresh_from_db(fields=["archived_at", "updated_at"])
    return close_waiting(str(action.pk))


def close_waiting(action_id: str) -> int:
    """Close the deliveries of an archived action that were waiting to be sent.

    Also called by the sender when it meets an archived action, for a
    delivery routed in the instant before the archive was committed.
    """
    return Delivery.objects.filter(action_id=action_id, status__in=WAITING).update(
        status=Status.FAILED,
        status_code=None,
        error_code=ACTION_DELETED,
        error_message=CLOSED_MESSAGE,
        error_fields=[],
        updated_at=timezone.now(),
    )


def restore(action: Action) -> bool:
    """Bring an archived action back as it was (on or off); False when it was not archived."""
    restored = Action.objects.filter(pk=action.pk, archived_at__isnull=False).update(
        archived_at=None, updated_at=timezone.now()
    )
    action.refresh_from_db(fields=["archived_at", "updated_at"])
    return restored == 1
