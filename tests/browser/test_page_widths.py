"""Every main page on a phone (390 x 844) and on a laptop (1366 x 768): no horizontal scroll, a screenshot of each."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.pages import LAPTOP, PHONE, horizontal_overflow, make_history, page_urls
from tests.engine.conftest import destination, sf  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sf", "destination")]

PAGES = (
    "connections",
    "sources",
    "source",
    "destinations",
    "add-destination",
    "new-destination",
    "destination-settings",
    "actions",
    "action-editor",
    "new-action",
    "send-test-event",
    "delete-action",
    "archived-actions",
    "data-out",
    "delivery-lookup",
    "delivery-multiple-matches",
    "members",
    "replay",
    "alerts",
)
SCREENS = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture
def urls(destination: Any, source: Any, salesforce_emulator: Any) -> dict[str, str]:  # noqa: F811
    history = make_history(destination, source, salesforce_emulator.org("production"))
    return page_urls(history, source.source.pk)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("name", PAGES)
def test_it_fits_the_page_on_the_screen_without_horizontal_scroll(
    signed_in: Any, live_server: Any, urls: dict[str, str], screenshot: Any, name: str, screen: str
) -> None:
    signed_in.set_viewport_size(SCREENS[screen])

    response = signed_in.goto(live_server.url + urls[name])

    assert response is not None and response.ok, name
    screenshot(f"{name}-{screen}")
    assert horizontal_overflow(signed_in) == 0


@pytest.mark.parametrize("screen", SCREENS)
def test_it_fits_the_sign_in_page_on_the_screen_without_horizontal_scroll(
    page: Any, live_server: Any, screenshot: Any, screen: str
) -> None:
    page.set_viewport_size(SCREENS[screen])

    page.goto(live_server.url + "/accounts/login/")

    screenshot(f"sign-in-{screen}")
    assert horizontal_overflow(page) == 0
