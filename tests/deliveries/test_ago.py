"""The short "how long ago" of Data Out rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deliveries.templatetags.data_out import ago_text

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "text"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(seconds=-30), "just now"),
        (timedelta(minutes=3, seconds=59), "3 min ago"),
        (timedelta(hours=2, minutes=59), "2 h ago"),
        (timedelta(days=1, hours=5), "1 day ago"),
        (timedelta(days=5), "5 days ago"),
    ],
)
def test_it_says_how_long_ago_in_short(elapsed, text):
    assert ago_text(NOW - elapsed, NOW) == text
