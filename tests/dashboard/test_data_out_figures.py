"""Data Out's figures (counts, chart, why deliveries failed, "Retry all failed") follow the rows as they poll."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from deliveries.models import Delivery, Status
from tests.dashboard.data_out_support import data_out_url, lead, lead_without_company
from tests.engine.conftest import deliver, make_action, send


def _poll(team, destination, after, **watch):
    response = team.client_for("owner").get(
        data_out_url(destination, after=after, **watch), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.content.decode()


def _legend(html: str) -> dict[str, int]:
    [legend] = re.findall(r'<ul class="legend" id="chart-legend"[^>]*>(.*?)</ul>', html, re.S)
    return {
        label: int(count)
        for label, count in re.findall(r"</span>([A-Za-z ]+) <strong>(\d+)</strong>", legend)
    }


def test_a_poll_that_brings_new_rows_brings_the_counts_with_them(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    page = team.client_for("owner").get(data_out_url(destination)).content.decode()
    assert _legend(page)["Delivered"] == 0
    send(source, lead("u1"), lead("u2"), lead_without_company("u3"))
    deliver(action)

    html = _poll(team, destination, 0)

    assert 'id="chart-legend" hx-swap-oob="true"' in html
    assert _legend(html) == {"Delivered": 2, "Failed": 1, "Retrying": 0, "Multiple matches": 0}
    assert 'id="chart-errors" class="error-groups" hx-swap-oob="true"' in html
    assert "<strong>REQUIRED_FIELD_MISSING</strong>" in html
    assert 'id="chart-bars" hx-swap-oob="true"' in html
    assert '<tbody id="chart-figures" hx-swap-oob="true">' in html
    assert 'id="retry-failed" hx-swap-oob="true"' in html
    assert "Retry 1 failed delivery" in html


def test_a_poll_of_a_row_that_settled_since_the_last_poll_brings_the_counts(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, lead("u1"))
    pending = Delivery.objects.get(action=action)
    last_poll = timezone.now()
    deliver(action)

    html = _poll(team, destination, pending.pk, watch=pending.pk, polled_at=last_poll.timestamp())

    assert _legend(html)["Delivered"] == 1


def test_a_poll_of_a_row_waiting_unchanged_for_its_next_try_counts_nothing(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, lead("u1"))
    waiting = Delivery.objects.get(action=action)
    Delivery.objects.filter(pk=waiting.pk).update(
        status=Status.RETRYING, updated_at=timezone.now() - timedelta(minutes=5)
    )

    html = _poll(team, destination, waiting.pk, watch=waiting.pk, polled_at=timezone.now().timestamp())

    assert f'id="delivery-{waiting.pk}"' in html
    assert "chart-legend" not in html


def test_a_poll_where_nothing_moves_counts_nothing(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, lead("u1"))
    [delivered] = deliver(action)

    html = _poll(team, destination, delivered.pk)

    assert "chart-legend" not in html and "retry-failed" not in html
