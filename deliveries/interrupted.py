"""Deliveries a stopped worker left half-sent go back to the queue, or wait.

A sender marks its chunk ``sending`` and writes the attempts before it
calls Salesforce, and marks the attempts ``writing`` just before each write
call. When its worker dies after that (killed, out of memory, the machine
restarted), nothing else would ever pick those deliveries up: they are
neither due nor settled. Once no sender can still be working on them (the
action's lease ran out, or the caller holds it), they are settled here:

- never written (the worker died before their write): due again now;
- written, with no answer recorded: the outcome is unknown, exactly as for a
  write that timed out (``recording``): a create is reported and not sent
  again; the others look their record up again once Salesforce can no longer
  be working on the request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from deliveries.lease import LEASE
from deliveries.models import Attempt, Delivery, SenderLease, Status
from deliveries.recording import OUTCOME_UNKNOWN, unknown_outcome_message

INTERRUPTED = "The send was interrupted (the worker stopped) before Salesforce's answer was recorded."
# An attempt whose write call was started (see ``sender.send_chunk``).
WRITING = "writing"
# Added to Salesforce's request time limit before an unknown write is looked up again.
MARGIN = timedelta(seconds=5)


@transaction.atomic
def recover_interrupted_sends(
    now: datetime | None = None, action_id: str | None = None, lane: int = 0
) -> list[str]:
    """Settle the deliveries stuck in ``sending``; the ids of their actions.

    With ``action_id``, the caller holds the lease of that action's ``lane``,
    so every delivery of the lane still marked as sending was left by a
    stopped worker.
    """
    now = now or timezone.now()
    stuck_rows = Delivery.objects.select_for_update().filter(status=Status.SENDING, bulk_send__isnull=True)
    if action_id is not None:
        stuck_rows = stuck_rows.filter(action_id=action_id, lane=lane)
    else:
        # A sender still holding the lane's lease may yet record the answer.
        held = SenderLease.objects.filter(
            action_id=OuterRef("action_id"), lane=OuterRef("lane"), until__gte=now
        )
        stuck_rows = stuck_rows.filter(last_attempt_at__lt=now - LEASE).exclude(Exists(held))
    stuck = list(stuck_rows.values_list("pk", "action_id", "operation", "updated_at"))
    if not stuck:
        return []
    ids = [pk for pk, *_ in stuck]
    written = set(
        Attempt.objects.filter(delivery_id__in=ids, outcome=WRITING).values_list("delivery_id", flat=True)
    )
    unwritten = [pk for pk in ids if pk not in written]
    Delivery.objects.filter(pk__in=unwritten).update(
        status=Status.RETRYING, due_at=now, error_code="", error_message=INTERRUPTED, updated_at=now
    )
    limit = timedelta(seconds=settings.SALESFORCE_REQUEST_TIME_LIMIT_SECONDS)
    message = unknown_outcome_message("the worker stopped while the write was being sent")
    for pk, _, operation, write_started in stuck:
        if pk not in written:
            continue
        changes: dict[str, object]
        if operation == "create":
            changes = {"status": Status.FAILED, "error_code": OUTCOME_UNKNOWN, "error_message": message}
        else:
            # Looked up again once Salesforce can no longer be working on the write.
            due = max(now, write_started + limit + MARGIN)
            changes = {
                "status": Status.RETRYING,
                "due_at": due,
                "error_code": "",
                "error_message": INTERRUPTED,
            }
        Delivery.objects.filter(pk=pk).update(updated_at=now, **changes)
    Attempt.objects.filter(delivery_id__in=ids, outcome__in=("sending", WRITING)).update(
        outcome="interrupted"
    )
    return sorted({str(action) for _, action, *_ in stuck})
