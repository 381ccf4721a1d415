"""When a Data Out page last polled, and whether its watched rows moved since (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deliveries.listing import UNCOMMITTED_MARGIN, moved_since, poll_time
from deliveries.models import Delivery

POLLED = datetime(2026, 11, 29, 14, 37, 5, 250000, tzinfo=UTC)


def test_it_reads_the_unix_time_the_page_was_given():
    assert poll_time(f"{POLLED.timestamp():.6f}") == POLLED


@pytest.mark.parametrize("value", [None, "", "yesterday", "nan", "inf", "-1", "1e300"])
def test_an_unreadable_poll_time_is_unknown(value):
    assert poll_time(value) is None


def test_a_row_stamped_well_before_the_last_poll_has_not_moved():
    assert not moved_since([Delivery(updated_at=POLLED - UNCOMMITTED_MARGIN - timedelta(seconds=1))], POLLED)


def test_a_row_stamped_just_before_the_last_poll_may_not_have_been_seen_and_counts_as_moved():
    assert moved_since([Delivery(updated_at=POLLED - timedelta(seconds=1))], POLLED)


def test_without_a_known_poll_time_any_watched_row_counts_as_moved():
    assert moved_since([Delivery(updated_at=POLLED - timedelta(days=1))], None)
    assert not moved_since([], None)
