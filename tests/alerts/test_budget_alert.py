"""One alert when a destination's API use passes its budget, and one when the budget frees up."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db.models import F

from alerts import signing
from alerts.models import Incident
from destinations.models import ApiCallHour
from tests.alerts.support import webhook_to
from tests.alerts.test_incidents import tick
from tests.engine.budget_helpers import send_leads

pytestmark = pytest.mark.django_db


def test_it_tells_once_when_the_budget_is_spent_and_once_when_it_frees_up(
    sf, destination, source, receiver, settings
) -> None:
    secret = webhook_to(destination, receiver.url)
    settings.DELIVERY_CHUNK_SIZE = 1
    send_leads(destination, source, 4, api_budget_calls=2)

    tick()
    tick(1)
    tick(2)

    [post] = receiver.received
    assert signing.is_valid(secret, post.body, post.headers[signing.HEADER])
    started = json.loads(post.body)
    assert (started["type"], started["condition"], started["title"]) == (
        "incident.started",
        "api_budget",
        "API budget spent",
    )
    assert started["summary"].startswith(
        "Acme production spent 2 API calls in the last 24 hours, its budget is 2 (a fixed number)."
    )
    assert "Its deliveries are held until " in started["summary"]

    # A day and an hour later the counted hours have left the window.
    ApiCallHour.objects.update(hour=F("hour") - timedelta(hours=25))
    tick(3)
    tick(9)

    assert [json.loads(p.body)["type"] for p in receiver.received] == ["incident.started", "incident.ended"]
    assert Incident.objects.get().ended_at is not None


def test_it_stays_quiet_under_the_budget(sf, destination, source, receiver, settings) -> None:
    webhook_to(destination, receiver.url)
    settings.DELIVERY_CHUNK_SIZE = 1
    send_leads(destination, source, 4, api_budget_calls=5)

    tick()

    assert receiver.received == [] and not Incident.objects.exists()
