"""The API budget gauge in a real browser, spent and holding deliveries: on a phone and on a laptop."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from destinations.models import ApiCallHour
from tests.browser.pages import LAPTOP, PHONE, horizontal_overflow
from tests.engine.budget_helpers import send_leads
from tests.engine.conftest import destination, sf  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sf", "destination")]

SCREENS = {"phone": PHONE, "laptop": LAPTOP}


@pytest.mark.parametrize("screen", SCREENS)
def test_it_shows_the_spent_budget_as_figures_and_a_meter(
    signed_in: Any,
    live_server: Any,
    sf: Any,  # noqa: F811
    destination: Any,  # noqa: F811
    source: Any,
    screenshot: Any,
    screen: str,
    settings: Any,
) -> None:
    settings.DELIVERY_CHUNK_SIZE = 1
    sf.control("PATCH", "/limits", json={"max": 40, "used": 12})
    # The first call tells the sender the limit (40): 5 % of it is 2 calls, and the third delivery waits.
    send_leads(destination, source, 3, api_budget_percent=5)
    signed_in.set_viewport_size(SCREENS[screen])

    signed_in.goto(
        live_server.url
        + reverse(
            "destinations:detail",
            kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
        )
    )

    meter = signed_in.get_by_label("Calls used of this destination's budget (last 24 hours)")
    expect(meter).to_have_attribute("max", "2")
    expect(signed_in.locator("#api-budget")).to_contain_text("API budget reached.")
    expect(signed_in.locator("#api-budget")).to_contain_text("40 calls")
    expect(signed_in.locator("[data-figure=ours]")).to_have_text(str(ApiCallHour.objects.get().calls))
    screenshot(f"api-budget-{screen}")
    assert horizontal_overflow(signed_in) == 0
