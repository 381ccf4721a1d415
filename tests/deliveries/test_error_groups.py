"""Failures grouped by error code, most frequent first."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from deliveries.error_groups import ErrorGroup, top_errors
from deliveries.models import Delivery, Status
from tests.deliveries.delivery_rows import delivery_row


def _failed(team, source, code, message="", **fields):
    return delivery_row(
        team, source, **{"status": Status.FAILED, "error_code": code, "error_message": message, **fields}
    )


def test_it_counts_recent_failures_by_code_most_frequent_first(team, source, django_assert_num_queries):
    now = timezone.now()
    for _ in range(3):
        _failed(
            team, source, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Leads from blocked.example are not accepted."
        )
    _failed(team, source, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]")
    _failed(team, source, "REQUIRED_FIELD_MISSING", "Old", created_at=now - timedelta(days=2))
    delivery_row(team, source, status=Status.RETRYING, error_code="UNABLE_TO_LOCK_ROW")
    _failed(team, source, "")

    with django_assert_num_queries(1):
        groups = top_errors(Delivery.objects.all(), now - timedelta(hours=24))

    assert groups == [
        ErrorGroup("FIELD_CUSTOM_VALIDATION_EXCEPTION", 3, "Leads from blocked.example are not accepted."),
        ErrorGroup("REQUIRED_FIELD_MISSING", 1, "Required fields are missing: [Company]"),
    ]


def test_it_keeps_the_most_frequent_few(team, source):
    for n in range(4):
        for _ in range(n + 1):
            _failed(team, source, f"CODE_{n}")

    groups = top_errors(Delivery.objects.all(), timezone.now() - timedelta(hours=1), limit=2)

    assert [(g.code, g.count) for g in groups] == [("CODE_3", 4), ("CODE_2", 3)]
