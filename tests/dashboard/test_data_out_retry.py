"""Retrying from Data Out: one delivery, or all failed ones of a filter; then sent for real."""

from __future__ import annotations

import pytest

from deliveries.models import Attempt, Delivery, Status
from tests.dashboard.data_out_support import (
    BLOCKED_DOMAIN,
    block_emails,
    data_out_url,
    delivery_url,
    lead,
    sent,
)
from tests.engine.conftest import deliver, lane_lease


@pytest.fixture
def failed_and_delivered(sf, destination, source):
    """Two Leads refused by an org validation rule, one delivered."""
    block_emails(sf.org)
    action = sent(
        sf,
        destination,
        source,
        lead("u1", f"u1{BLOCKED_DOMAIN}"),
        lead("u2", f"u2{BLOCKED_DOMAIN}"),
        lead("u3"),
    )
    return action, *Delivery.objects.filter(action=action).order_by("id")


def _woken(action) -> bool:
    return lane_lease(action.pk).get().wake_queued_at is not None


def test_it_retries_one_failed_delivery_and_it_is_delivered_once_the_cause_is_fixed(
    team, sf, failed_and_delivered, django_capture_on_commit_callbacks
):
    action, first, second, _ = failed_and_delivered
    with django_capture_on_commit_callbacks(execute=True):
        response = team.client_for("member").post(delivery_url(first, "retry"), follow=True)

    assert "will be sent again now" in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.error_code, first.attempts) == (Status.PENDING, "", 1)
    assert Delivery.objects.get(pk=second.pk).status == Status.FAILED
    assert _woken(action)

    sf.org.validation_rules.clear()
    deliver(action)

    first.refresh_from_db()
    assert first.status == Status.DELIVERED and first.record_id
    assert first.attempts == 2
    assert list(Attempt.objects.filter(delivery=first).values_list("outcome", flat=True)) == [
        "failed",
        "delivered",
    ]
    assert Delivery.objects.get(pk=second.pk).status == Status.FAILED


def test_it_retries_all_failed_deliveries_of_the_filter_only(
    team, sf, failed_and_delivered, django_capture_on_commit_callbacks
):
    action, first, second, delivered = failed_and_delivered
    Delivery.objects.filter(pk=second.pk).update(status=Status.MULTIPLE_MATCHES)
    with django_capture_on_commit_callbacks(execute=True):
        response = team.client_for("owner").post(
            data_out_url(destination=first.destination, name="retry-failed"), {"q": "u1"}, follow=True
        )

    assert "1 failed delivery will be sent again now." in response.content.decode()
    # Back on the same filter.
    assert response.redirect_chain[-1][0].endswith("?q=u1")
    statuses = dict(Delivery.objects.filter(action=action).values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.PENDING,
        second.pk: Status.MULTIPLE_MATCHES,
        delivered.pk: Status.DELIVERED,
    }
    assert _woken(action)
    sf.org.validation_rules.clear()
    deliver(action)
    assert Delivery.objects.get(pk=first.pk).status == Status.DELIVERED


def test_retry_all_leaves_multiple_matches_and_delivered_ones_alone(team, sf, failed_and_delivered):
    action, first, second, delivered = failed_and_delivered
    Delivery.objects.filter(pk=first.pk).update(status=Status.MULTIPLE_MATCHES)

    team.client_for("owner").post(data_out_url(first.destination, "retry-failed"))

    statuses = dict(Delivery.objects.filter(action=action).values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.MULTIPLE_MATCHES,
        second.pk: Status.PENDING,
        delivered.pk: Status.DELIVERED,
    }


def test_the_page_confirms_retry_all_with_the_count(team, failed_and_delivered):
    _, first, _, _ = failed_and_delivered

    html = team.client_for("owner").get(data_out_url(first.destination)).content.decode()

    assert "Send the <strong>2</strong> failed deliveries matching this filter" in html
    assert "Retry 2 failed deliveries" in html


def test_a_multiple_matches_delivery_may_be_retried_alone(team, failed_and_delivered):
    _, first, _, _ = failed_and_delivered
    Delivery.objects.filter(pk=first.pk).update(status=Status.MULTIPLE_MATCHES, status_code=300)

    team.client_for("owner").post(delivery_url(first, "retry"))

    assert Delivery.objects.get(pk=first.pk).status == Status.PENDING


def test_a_delivered_one_is_not_retried(team, failed_and_delivered):
    _, _, _, delivered = failed_and_delivered

    response = team.client_for("owner").post(delivery_url(delivered, "retry"), follow=True)

    assert "only failed deliveries and multiple matches can be retried" in response.content.decode()
    assert Delivery.objects.get(pk=delivered.pk).status == Status.DELIVERED


def test_a_bad_filter_retries_nothing(team, failed_and_delivered):
    _, first, second, _ = failed_and_delivered

    response = team.client_for("owner").post(
        data_out_url(first.destination, "retry-failed"), {"status": "everything"}, follow=True
    )

    assert "Nothing was retried: Unknown status" in response.content.decode()
    assert set(Delivery.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        Status.FAILED
    }


def test_retrying_needs_a_csrf_token(team, failed_and_delivered):
    _, first, _, _ = failed_and_delivered
    client = team.client_for("owner", enforce_csrf=True)

    assert client.post(delivery_url(first, "retry")).status_code == 403
    assert client.post(data_out_url(first.destination, "retry-failed")).status_code == 403
    assert Delivery.objects.get(pk=first.pk).status == Status.FAILED


def test_retrying_is_a_post(team, failed_and_delivered):
    _, first, _, _ = failed_and_delivered

    assert team.client_for("owner").get(delivery_url(first, "retry")).status_code == 405
    assert Delivery.objects.get(pk=first.pk).status == Status.FAILED


def test_outsiders_cannot_retry(team, failed_and_delivered):
    _, first, _, _ = failed_and_delivered
    client = team.client_for("outsider")

    assert client.post(delivery_url(first, "retry")).status_code == 404
    assert client.post(data_out_url(first.destination, "retry-failed")).status_code == 404
    assert Delivery.objects.get(pk=first.pk).status == Status.FAILED
