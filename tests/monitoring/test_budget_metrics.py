"""/metrics: each destination's own API calls of the last 24 hours and its budget, from a real scrape."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from destinations import api_budget
from destinations.models import Destination
from tests.monitoring.test_metrics import _scrape, _value, token  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_reports_our_calls_of_the_last_24_hours_and_the_budget(client, token, team):  # noqa: F811
    share = Destination.objects.create(
        workspace=team.workspace, name="Share", api_budget_percent=20, api_requests_max=15000
    )
    fixed = Destination.objects.create(workspace=team.workspace, name="Fixed", api_budget_calls=700)
    unknown = Destination.objects.create(workspace=team.workspace, name="Unknown")
    now = timezone.now()
    api_budget.add_calls(share.pk, 40, now)
    api_budget.add_calls(share.pk, 2, now - timedelta(hours=3))
    api_budget.add_calls(share.pk, 1000, now - timedelta(hours=25))  # left the window
    api_budget.add_calls(fixed.pk, 5, now)

    samples = _scrape(client)

    assert _value(samples, "sfdest_api_calls_last_24h", destination_id=str(share.pk)) == 42
    assert _value(samples, "sfdest_api_calls_last_24h", destination_id=str(fixed.pk)) == 5
    assert _value(samples, "sfdest_api_calls_last_24h", destination_id=str(unknown.pk)) == 0
    assert (
        _value(samples, "sfdest_api_budget_calls", destination_id=str(share.pk), destination="Share") == 3000
    )
    assert _value(samples, "sfdest_api_budget_calls", destination_id=str(fixed.pk)) == 700
    assert not [
        s for s in samples["sfdest_api_budget_calls"] if s.labels["destination_id"] == str(unknown.pk)
    ]
