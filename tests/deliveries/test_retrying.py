"""Retrying deliveries on request: which ones, what changes, who is woken."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from deliveries.models import Attempt, Delivery, Status
from deliveries.retrying import can_retry, retry_all_failed, retry_one
from tests.deliveries.delivery_rows import delivery_row
from tests.engine.conftest import lane_lease

LONG_AGO = timezone.now() - timedelta(days=2)


def _failed(team, source, **fields):
    values = {
        "status": Status.FAILED,
        "attempts": 3,
        "first_attempt_at": LONG_AGO,
        "status_code": 400,
        "error_code": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "error_message": "No.",
        "error_fields": ["Email"],
        "due_at": LONG_AGO,
        **fields,
    }
    return delivery_row(team, source, **values)


def test_it_makes_a_failed_delivery_due_now_with_a_fresh_retry_window(team, source):
    delivery = _failed(team, source)
    Attempt.objects.create(delivery=delivery, number=1, started_at=LONG_AGO, outcome="failed")
    before = timezone.now()

    assert retry_one(delivery)

    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING
    assert before <= delivery.due_at <= timezone.now()
    assert delivery.first_attempt_at is None
    assert (delivery.status_code, delivery.error_code, delivery.error_message, delivery.error_fields) == (
        None,
        "",
        "",
        [],
    )
    # The history stays: the attempt count numbers the next attempt.
    assert delivery.attempts == 3
    assert Attempt.objects.filter(delivery=delivery).count() == 1


def test_it_retries_a_multiple_matches_delivery_alone(team, source):
    delivery = _failed(team, source, status=Status.MULTIPLE_MATCHES, status_code=300)

    assert can_retry(delivery)
    assert retry_one(delivery)
    assert Delivery.objects.get(pk=delivery.pk).status == Status.PENDING


def test_it_does_not_retry_what_did_not_fail(team, source):
    for status in (Status.DELIVERED, Status.PENDING, Status.SENDING, Status.RETRYING, Status.HELD):
        delivery = _failed(team, source, status=status)

        assert not can_retry(delivery)
        assert not retry_one(delivery)
        assert Delivery.objects.get(pk=delivery.pk).status == status


def test_it_leaves_a_delivery_that_changed_since_the_page_was_shown(team, source):
    delivery = _failed(team, source)
    Delivery.objects.filter(pk=delivery.pk).update(status=Status.PENDING)

    # The page showed it as failed; someone retried it in the meantime.
    assert not retry_one(delivery)


def test_retry_all_takes_only_the_failed_ones_of_the_selection(team, source):
    failed = [_failed(team, source) for _ in range(2)]
    matches = _failed(team, source, status=Status.MULTIPLE_MATCHES)
    delivered = _failed(team, source, status=Status.DELIVERED)
    outside = _failed(team, source)
    chosen = Delivery.objects.exclude(pk=outside.pk)

    assert retry_all_failed(chosen) == 2

    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert [statuses[d.pk] for d in failed] == [Status.PENDING, Status.PENDING]
    assert statuses[matches.pk] == Status.MULTIPLE_MATCHES
    assert statuses[delivered.pk] == Status.DELIVERED
    assert statuses[outside.pk] == Status.FAILED


def test_retry_all_follows_a_filter_that_reaches_into_the_event(team, source):
    ada = _failed(team, source)
    ada.event.user_id = "ada"
    ada.event.save()
    other = _failed(team, source)

    assert retry_all_failed(Delivery.objects.filter(event__user_id="ada")) == 1
    assert Delivery.objects.get(pk=ada.pk).status == Status.PENDING
    assert Delivery.objects.get(pk=other.pk).status == Status.FAILED


def test_it_wakes_the_sender_of_each_action_once_committed(team, source, django_capture_on_commit_callbacks):
    delivery = _failed(team, source)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        retry_all_failed(Delivery.objects.all())

    assert len(callbacks) == 1
    assert lane_lease(delivery.action_id).get().wake_queued_at is not None


def test_it_wakes_no_one_when_nothing_was_retried(team, source, django_capture_on_commit_callbacks):
    _failed(team, source, status=Status.DELIVERED)

    with django_capture_on_commit_callbacks() as callbacks:
        assert retry_all_failed(Delivery.objects.all()) == 0

    assert callbacks == []
