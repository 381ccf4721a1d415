"""Data Out in a real browser: real sends to the emulator, rows arriving by polling, a retry."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from actions.models import Action
from deliveries.models import Delivery, Status
from destinations.models import Destination
from tests.dashboard.data_out_support import (
    BLOCKED_DOMAIN,
    block_emails,
    data_out_url,
    lead,
    lead_without_company,
)
from tests.engine.conftest import deliver, destination, make_action, send, sf  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sf", "destination")]

# The page polls every 5 seconds; waiting for a row allows for two polls.
POLL_WAIT_MS = 15_000


def _setup() -> tuple[Destination, Action]:
    connected = Destination.objects.get()
    return connected, make_action(connected, "lead", "create", name="Leads")


def test_it_shows_deliveries_with_their_salesforce_ids(
    signed_in: Any, live_server: Any, source: Any, screenshot: Any, salesforce_emulator: Any
) -> None:
    connected, action = _setup()
    block_emails(salesforce_emulator.org("production"))
    send(source, lead("ada", "ada@x.io"), lead("bob", "bob@x.io"), lead("eve", f"eve{BLOCKED_DOMAIN}"))
    deliver(action)
    ada = Delivery.objects.get(event__user_id="ada")

    signed_in.goto(live_server.url + data_out_url(connected))

    row = signed_in.locator(f"#delivery-{ada.pk}")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("ada@x.io")
    link = row.get_by_role("link", name=ada.record_id)
    expect(link).to_have_attribute("href", f"{connected.instance_url}/{ada.record_id}")
    expect(link).to_have_attribute("target", "_blank")
    expect(signed_in.get_by_role("img", name=re.compile("Deliveries per hour"))).to_be_visible()
    expect(signed_in.locator(".legend")).to_contain_text("Failed 1")
    screenshot("data-out")

    signed_in.get_by_label("Status").select_option("failed")
    signed_in.get_by_role("button", name="Apply").click()
    expect(signed_in.locator("#delivery-rows tr")).to_have_count(1)
    expect(signed_in.locator("#delivery-rows")).to_contain_text("FIELD_CUSTOM_VALIDATION_EXCEPTION")
    assert "status=failed" in signed_in.url


def test_a_new_delivery_appears_and_its_status_updates_without_a_reload(
    signed_in: Any, live_server: Any, source: Any
) -> None:
    connected, action = _setup()
    send(source, lead("first"))
    deliver(action)
    signed_in.goto(live_server.url + data_out_url(connected))
    expect(signed_in.locator("#delivery-rows tr")).to_have_count(1)
    signed_in.evaluate("window.loadedOnce = true")

    send(source, lead("second"))
    second = Delivery.objects.get(event__user_id="second")
    row = signed_in.locator(f"#delivery-{second.pk}")
    expect(row).to_contain_text("Pending", timeout=POLL_WAIT_MS)
    # Newest first.
    expect(signed_in.locator("#delivery-rows tr").first).to_have_id(f"delivery-{second.pk}")

    deliver(action)
    expect(row).to_contain_text("Delivered", timeout=POLL_WAIT_MS)
    second.refresh_from_db()
    expect(row.get_by_role("link", name=second.record_id)).to_be_visible()
    expect(signed_in.locator("#delivery-rows tr")).to_have_count(2)
    # Still the same page: nothing was reloaded.
    assert signed_in.evaluate("window.loadedOnce") is True


def test_a_failed_delivery_is_retried_and_delivered_once_the_cause_is_fixed(
    signed_in: Any, live_server: Any, source: Any, screenshot: Any, salesforce_emulator: Any
) -> None:
    connected, action = _setup()
    block_emails(salesforce_emulator.org("production"))
    send(source, lead("eve", f"eve{BLOCKED_DOMAIN}"))
    [failed] = deliver(action)
    assert failed.status == Status.FAILED

    signed_in.goto(live_server.url + data_out_url(connected))
    signed_in.get_by_role("link", name=f"Details of delivery {failed.pk}").click()
    expect(signed_in.get_by_role("heading", name=re.compile(f"Delivery {failed.pk}"))).to_contain_text(
        "Failed"
    )
    expect(signed_in.locator("body")).to_contain_text("Leads from blocked.example are not accepted.")
    screenshot("data-out-delivery-failed")

    # The org's rule is lifted, then the delivery is retried and sent.
    salesforce_emulator.org("production").validation_rules.clear()
    signed_in.get_by_text("Retry…").click()
    signed_in.get_by_role("button", name=f"Retry delivery {failed.pk}").click()
    expect(signed_in.get_by_role("status")).to_contain_text("will be sent again now")
    assert Delivery.objects.get(pk=failed.pk).status == Status.PENDING
    deliver(action)

    # The page follows the delivery until it settles: no reload needed.
    heading = signed_in.get_by_role("heading", name=re.compile(f"Delivery {failed.pk}"))
    expect(heading).to_contain_text("Delivered", timeout=POLL_WAIT_MS)
    expect(signed_in.locator(".attempt")).to_have_count(2)
    screenshot("data-out-delivery-retried")


def test_all_failed_deliveries_of_a_filter_are_retried_with_the_keyboard(
    signed_in: Any, live_server: Any, source: Any, salesforce_emulator: Any
) -> None:
    connected, action = _setup()
    block_emails(salesforce_emulator.org("production"))
    send(source, lead("eve", f"eve{BLOCKED_DOMAIN}"), lead("mal", f"mal{BLOCKED_DOMAIN}"), lead("ada"))
    deliver(action)
    signed_in.goto(live_server.url + data_out_url(connected))

    summary = signed_in.get_by_text("Retry all failed…")
    summary.focus()
    signed_in.keyboard.press("Enter")
    confirm = signed_in.get_by_role("button", name="Retry 2 failed deliveries")
    expect(confirm).to_be_visible()
    confirm.focus()
    signed_in.keyboard.press("Enter")

    expect(signed_in.get_by_role("status")).to_contain_text("2 failed deliveries will be sent again now.")
    salesforce_emulator.org("production").validation_rules.clear()
    deliver(action)
    # The retried rows were pending when the page was drawn; polling settles them.
    rows = signed_in.locator("#delivery-rows .status-badge.status-delivered")
    expect(rows).to_have_count(3, timeout=POLL_WAIT_MS)


def test_the_counts_and_the_reasons_follow_the_rows_while_they_poll(
    signed_in: Any, live_server: Any, source: Any
) -> None:
    connected, action = _setup()
    signed_in.goto(live_server.url + data_out_url(connected))
    legend = signed_in.locator("#chart-legend")
    expect(legend).to_contain_text("Delivered 0")
    signed_in.evaluate("window.loadedOnce = true")

    send(source, lead("ada"), lead("bob"), lead_without_company("eve"))
    deliver(action)

    expect(legend).to_contain_text("Delivered 2", timeout=POLL_WAIT_MS)
    expect(legend).to_contain_text("Failed 1")
    expect(signed_in.locator("#chart-errors")).to_contain_text("REQUIRED_FIELD_MISSING")
    expect(signed_in.get_by_text("Retry all failed…")).to_be_visible()
    expect(signed_in.locator("#delivery-rows tr")).to_have_count(3)
    assert signed_in.evaluate("window.loadedOnce") is True


def test_a_delivery_refused_before_sending_says_nothing_was_sent(
    signed_in: Any, live_server: Any, source: Any
) -> None:
    connected, action = _setup()
    send(source, lead_without_company("eve"))
    [refused] = deliver(action)

    signed_in.goto(live_server.url + data_out_url(connected))

    row = signed_in.locator(f"#delivery-{refused.pk}")
    expect(row).to_contain_text("checked before sending — nothing was sent to Salesforce")
    expect(row.locator(".code")).to_have_count(0)
    row.get_by_role("link", name=f"Details of delivery {refused.pk}").click()
    expect(signed_in.locator(".refused-note")).to_be_visible()
    expect(signed_in.locator(".facts").first).not_to_contain_text("Salesforce status")
    expect(signed_in.locator(".attempt")).to_contain_text("No call to Salesforce was made in this attempt.")


def test_a_poll_leaves_an_open_retry_confirmation_as_it_is(
    signed_in: Any, live_server: Any, source: Any, salesforce_emulator: Any
) -> None:
    connected, action = _setup()
    send(source, lead_without_company("eve"))
    deliver(action)
    signed_in.goto(live_server.url + data_out_url(connected))
    signed_in.get_by_text("Retry all failed…").click()
    confirm = signed_in.get_by_role("button", name="Retry 1 failed delivery")
    expect(confirm).to_be_visible()

    send(source, lead_without_company("mal"))
    deliver(action)

    expect(signed_in.locator("#chart-legend")).to_contain_text("Failed 2", timeout=POLL_WAIT_MS)
    expect(confirm).to_be_visible()
