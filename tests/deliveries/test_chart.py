"""The Data Out chart: hourly counts from one query, and the bar geometry (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from deliveries import chart
from deliveries.chart import HEIGHT, HOURS, build, hour_slots, hourly_counts
from deliveries.models import Delivery, Status
from tests.deliveries.delivery_rows import delivery_row

NOW = datetime(2026, 11, 29, 14, 37, tzinfo=UTC)
CURRENT = datetime(2026, 11, 29, 14, tzinfo=UTC)
PLOT = HEIGHT - chart.AXIS


def test_it_has_a_slot_for_each_of_the_last_24_hours_the_current_one_last():
    slots = hour_slots(NOW)

    assert len(slots) == HOURS
    assert slots[-1] == CURRENT
    assert slots[0] == CURRENT - timedelta(hours=23)


def test_an_empty_chart_has_flat_bars_and_says_so():
    drawn = build({}, NOW)

    assert drawn.is_empty
    assert all(bar.segments == () and bar.total == 0 for bar in drawn.bars)
    assert drawn.summary == "Last 24 hours: 0 delivered, 0 failed, 0 retrying, 0 multiple matches."


def test_the_busiest_hour_fills_the_plot_and_the_others_scale_to_it():
    counts = {
        (CURRENT, "delivered"): 6,
        (CURRENT, "failed"): 2,
        (CURRENT - timedelta(hours=1), "delivered"): 4,
    }

    drawn = build(counts, NOW)

    last, before = drawn.bars[-1], drawn.bars[-2]
    assert drawn.peak == 8
    delivered, failed = last.segments
    assert (delivered.status, delivered.y, delivered.height) == ("delivered", PLOT * 2 / 8, PLOT * 6 / 8)
    # Stacked on top of the delivered ones, reaching the top of the plot.
    assert (failed.status, failed.y, failed.height) == ("failed", 0, PLOT * 2 / 8)
    [only] = before.segments
    assert only.height == PLOT / 2 and only.y == PLOT / 2


def test_the_bars_sit_side_by_side_across_the_width():
    drawn = build({}, NOW)

    xs = [bar.x for bar in drawn.bars]
    assert xs == sorted(xs)
    assert drawn.bars[-1].x + drawn.bars[-1].width <= chart.WIDTH


def test_it_totals_each_series_and_keeps_the_counts_in_series_order():
    counts = {(CURRENT, "retrying"): 3, (CURRENT, "multiple_matches"): 1, (CURRENT, "delivered"): 2}

    drawn = build(counts, NOW)

    assert drawn.totals == {"delivered": 2, "failed": 0, "retrying": 3, "multiple_matches": 1}
    assert drawn.bars[-1].counts == (2, 0, 3, 1)
    assert "2 delivered, 0 failed, 3 retrying, 1 multiple matches" in drawn.summary


def test_only_every_sixth_hour_is_labelled():
    labelled = [bar.label for bar in build({}, NOW).bars if bar.show_label]

    assert labelled == ["18:00", "00:00", "06:00", "12:00"]


def test_it_counts_deliveries_per_hour_and_status_in_one_query(team, source, django_assert_num_queries):
    now = timezone.now()
    made = [
        delivery_row(team, source, status=Status.DELIVERED, created_at=now),
        delivery_row(team, source, status=Status.DELIVERED, created_at=now),
        delivery_row(team, source, status=Status.FAILED, created_at=now - timedelta(hours=2)),
        delivery_row(team, source, status=Status.PENDING, created_at=now),
        delivery_row(team, source, status=Status.DELIVERED, created_at=now - timedelta(hours=30)),
    ]
    hour = now.replace(minute=0, second=0, microsecond=0)

    with django_assert_num_queries(1):
        counts = hourly_counts(Delivery.objects.filter(pk__in=[d.pk for d in made]), now)

    assert counts == {(hour, "delivered"): 2, (hour - timedelta(hours=2), "failed"): 1}
