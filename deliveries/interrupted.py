"""Deliveries a stopped worker left half-sent go back to the queue.

A sender marks its chunk ``sending`` and writes the attempts before it
calls Salesforce. When its worker dies after that (killed, out of memory,
the machine restarted), nothing else would ever pick those deliveries up:
they are neither due nor settled. Once the action's lease has run out, no
sender can still be working on them, so they are made due again, with the
interrupted attempt kept in their history. The next send may repeat a
write Salesforce already took: an upsert or update repeats harmlessly, a
create may make a second record; losing the event would be worse.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from deliveries.models import Attempt, Delivery, Status
from deliveries.sender import LEASE

INTERRUPTED = "The send was interrupted (the worker stopped) before Salesforce's answer was recorded."


@transaction.atomic
def recover_interrupted_sends(now: datetime | None = None) -> list[str]:
    """Make due again the deliveries stuck in ``sending``; the ids of their actions."""
    now = now or timezone.now()
    stuck = list(
        Delivery.objects.select_for_update()
        .filter(status=Status.SENDING, bulk_send__isnull=True, last_attempt_at__lt=now - LEASE)
        # A sender still holding the action's lease may yet record the answer.
        .filter(Q(action__sender_lease_until__isnull=True) | Q(action__sender_lease_until__lt=now))
        .values_list("pk", "action_id")
    )
    if not stuck:
        return []
    ids = [pk for pk, _ in stuck]
    Delivery.objects.filter(pk__in=ids).update(
        status=Status.RETRYING, due_at=now, error_code="", error_message=INTERRUPTED, updated_at=now
    )
    Attempt.objects.filter(delivery_id__in=ids, outcome="sending").update(outcome="interrupted")
    return sorted({str(action_id) for _, action_id in stuck})
