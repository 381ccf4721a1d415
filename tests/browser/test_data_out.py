"""Data Out in a real browser: real sends to the emulator, rows arriving by polling, a retry."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from actions.models import Action
from deliveries.models import Delivery, Status
from destinations.models import Destination
from tests.dashboard.data_out_support import BLOCKED_DOMAIN, block_emails, data_out_url, lead
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

    signed_in.reload()
    expect(signed_in.get_by_role("heading", name=re.compile(f"Delivery {failed.pk}"))).to_contain_text(
        "Delivered"
    )
    expect(signed_in.locator(".attempt")).to_have_count(2)
    screenshot("data-out-delivery-retried")
