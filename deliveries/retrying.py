"""Sending deliveries again on a user's request, from Data Out.

A retried delivery becomes due now and its action's sender is woken; its
attempts (and their requests and responses) are kept, so the history of what
went wrong stays readable. Every change is a conditional UPDATE on the
status, so a delivery a sender is working on, or one that was retried in the
meantime, is left alone.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from deliveries.doorbell import ring
from deliveries.models import Delivery, Status

# One delivery may be retried from its page when it failed, or when several
# records matched (after someone merged the duplicates in Salesforce).
RETRYABLE_ONE = (Status.FAILED, Status.MULTIPLE_MATCHES)
# "Retry all failed" takes failed ones only: multiple matches need a look
# at the org first, and retrying them in bulk would only repeat the 300s.
RETRYABLE_ALL = (Status.FAILED,)


def can_retry(delivery: Delivery) -> bool:
    return delivery.status in RETRYABLE_ONE


def retry_one(delivery: Delivery) -> bool:
    """Make one failed (or multiple-matches) delivery due now; False if it was not retryable."""
    return _retry(Delivery.objects.filter(pk=delivery.pk), RETRYABLE_ONE) == 1


def retry_all_failed(deliveries: QuerySet[Delivery]) -> int:
    """Make every failed delivery among ``deliveries`` due now; how many were."""
    return _retry(deliveries, RETRYABLE_ALL)


@transaction.atomic
def _retry(deliveries: QuerySet[Delivery], statuses: tuple[Status, ...]) -> int:
    now = timezone.now()
    chosen = deliveries.filter(status__in=statuses)
    action_ids = {str(a) for a in chosen.order_by().values_list("action_id", flat=True).distinct()}
    # Django turns a filter that reaches into the event into a subquery, so
    # this stays one UPDATE however many deliveries it takes.
    changed = chosen.update(
        status=Status.PENDING,
        due_at=now,
        # A fresh retry window: the user asked for this try, the old window
        # would otherwise give up on the first transient error.
        first_attempt_at=None,
        status_code=None,
        error_code="",
        error_message="",
        error_fields=[],
        refused_before_sending=False,
        matched_record_ids=[],
        updated_at=now,
    )
    if changed:
        ring(action_ids)
    return changed
