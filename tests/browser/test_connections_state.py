"""Connections in a real browser: held deliveries, a destination that needs reconnecting, and Enable
pressed before Connect."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.dashboard.holding_support import destination_holding_two

from . import flows

pytestmark = pytest.mark.django_db(transaction=True)


def test_connections_show_held_deliveries_and_what_needs_reconnecting(
    signed_in: Any, live_server: Any, team: Any, source: Any, screenshot: Any
) -> None:
    destination_holding_two(team, source)
    page = signed_in

    flows.open_connections(page, live_server)

    expect(page.get_by_role("alert")).to_contain_text("Acme org needs reconnecting.")
    row = page.get_by_role("region", name="Destinations").get_by_role("row", name="Acme org")
    expect(row).to_contain_text("Needs reconnect")
    screenshot("connections-held")
    row.get_by_role("link", name="2 deliveries held").click()
    expect(page.get_by_role("link", name="Data Out", exact=True)).to_have_attribute("aria-current", "page")
    assert "status=held" in page.url


def test_enable_before_connect_says_nothing_is_sent_until_connected(
    signed_in: Any, live_server: Any, source: Any
) -> None:
    page = signed_in
    flows.open_connections(page, live_server)
    flows.add_destination(page, "Acme org", sources=(source.source.name,))

    page.get_by_role("button", name="Enable Destination").click()

    expect(page.locator(".flash")).to_contain_text("nothing will be sent to Salesforce until it is connected")
    expect(page.locator("#not-sending")).to_contain_text(
        "nothing is sent to Salesforce until it is connected"
    )
    flows.open_connections(page, live_server)
    row = page.get_by_role("region", name="Destinations").get_by_role("row", name="Acme org")
    expect(row).to_contain_text("nothing is sent until it is connected")
