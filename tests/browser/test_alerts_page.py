"""The alerts page in a real browser: a webhook saved, its secret shown once; on a laptop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from alerts.models import AlertSettings
from destinations.models import Destination
from tests.alerts.support import failing_webhook_message
from tests.browser.pages import LAPTOP, PHONE, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"phone": PHONE, "laptop": LAPTOP}
LONG_URL = (
    "https://8.8.8.8/hooks/salesforce-destination/alerts/with-a-rather-long-path-that-a-phone-must-wrap"
)


@pytest.fixture
def acme(team: Any) -> Destination:
    destination = Destination.objects.create(workspace=team.workspace, name="Acme production", enabled=True)
    failing_webhook_message(destination)
    return destination


@pytest.mark.parametrize("screen", SCREENS)
def test_it_saves_a_webhook_and_shows_its_secret_once(
    signed_in: Any, live_server: Any, acme: Destination, screenshot: Any, screen: str
) -> None:
    signed_in.set_viewport_size(SCREENS[screen])
    address = live_server.url + reverse(
        "alerts:settings", kwargs={"workspace_id": acme.workspace_id, "destination_id": acme.pk}
    )

    signed_in.goto(address)
    signed_in.get_by_label("Email every member of the workspace").check()
    signed_in.get_by_label("Webhook URL (optional)").fill(LONG_URL)
    signed_in.get_by_role("button", name="Save alert settings").click()

    secret = signed_in.locator("#webhook-secret")
    expect(secret).to_have_text(AlertSettings.objects.get().webhook_secret)
    expect(signed_in.locator("#alert-messages")).to_contain_text("HTTP 500 Answered 500")
    screenshot(f"alerts-{screen}")
    assert horizontal_overflow(signed_in) == 0

    signed_in.goto(address)
    expect(signed_in.locator("#webhook-secret")).to_have_count(0)
    expect(signed_in.get_by_label("Make a new signing secret")).to_be_visible()
    assert horizontal_overflow(signed_in) == 0
