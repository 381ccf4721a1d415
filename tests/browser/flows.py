"""Steps a marketer takes in the dashboard, for browser tests to chain (Playwright, sync API).

Each step starts from the page the previous one left the browser on and
ends once the page shows the step has worked, so a flow reads like the
"Getting started" guide and a test can go on from any step.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect


def point_the_emulator_back_at(emulator: Any, settings: Any, live_server: Any) -> None:
    """Let the emulator's OAuth app send browsers back to this live server, as Salesforce would."""
    callback = f"{live_server.url}/oauth/salesforce/callback/"
    emulator.config.redirect_uris.append(callback)
    settings.PUBLIC_URL = live_server.url


@pytest.fixture
def demo_org(sf: Any, salesforce_emulator: Any, settings: Any, live_server: Any) -> Any:
    """The emulator (``sf`` points the Salesforce settings at it), sending browsers back to the live server.

    Test modules make ``sf`` (from tests/engine/conftest.py) and this fixture visible by name.
    """
    point_the_emulator_back_at(salesforce_emulator, settings, live_server)
    return salesforce_emulator


def open_connections(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Connections", exact=True)).to_be_visible()


def add_destination(page: Any, name: str, sources: tuple[str, ...] = ()) -> None:
    """Connections -> Add New -> Salesforce -> sources and settings; ends on the destination's page."""
    page.get_by_role("link", name="Add New").first.click()
    page.get_by_role("link", name="Select Salesforce").click()
    for source in sources:
        page.get_by_label(source).check()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Save and continue to Connect").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def connect_to_demo_org(page: Any) -> None:
    """Connect, then Allow on the (emulated) Salesforce consent page; ends back on the destination."""
    page.get_by_role("button", name="Connect", exact=True).click()
    page.get_by_role("button", name="Allow").click()
    expect(page.locator(".state-connected")).to_be_visible()


def enable_destination(page: Any) -> None:
    page.get_by_role("button", name="Enable Destination").click()
    expect(page.get_by_role("button", name="Disable destination")).to_be_visible()


def open_actions(page: Any) -> None:
    page.get_by_role("navigation", name=None).get_by_role("link", name="Actions", exact=True).click()
    expect(page.get_by_role("heading", name="Add action")).to_be_visible()


def choose_operation(page: Any, operation: str) -> None:
    """Pick the operation; the form shows that operation's settings."""
    page.get_by_label("What to do with the record").select_option(operation)
    matchers = page.locator("#matchers")
    if operation in ("update", "upsert", "delete"):
        expect(matchers).to_be_visible()
    else:
        expect(matchers).to_be_hidden()


def fill_row(page: Any, label: str, field: str, value: str, index: int = 0) -> None:
    """One (Salesforce field, value) row of Record Matchers ("Record matcher") or Other Fields ("Other field")."""
    page.get_by_label(f"{label} field").nth(index).fill(field)
    page.get_by_label(f"{label} value").nth(index).fill(value)


def add_lead_upsert_on_email(page: Any, other_field: tuple[str, str]) -> None:
    """Add a Lead action, which starts as an upsert by Email, with one Other Field; ends on its editor."""
    page.get_by_role("link", name="Lead").first.click()
    expect(page.get_by_label("What to do with the record")).to_have_value("upsert")
    expect(page.locator("#matchers")).to_be_visible()
    expect(page.get_by_label("Record matcher field")).to_have_value("Email")
    expect(page.get_by_label("Record matcher value")).to_have_value("$.traits.email")
    fill_row(page, "Other field", *other_field)
    page.get_by_role("button", name="Create action").click()
    expect(page.get_by_role("status")).to_contain_text("was created")


def preview_latest_event(page: Any) -> Any:
    """Preview the newest event of the destination's sources; the result panel."""
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Preview", exact=True).click()
    result = page.locator("#preview-result")
    expect(result.locator(".preview-result")).to_be_visible()
    return result


def send_test_event(page: Any) -> Any:
    """From a preview: Send test event, confirm, and wait for Salesforce's answer; the answer's section."""
    page.get_by_role("link", name="Send test event…").click()
    page.get_by_role("button", name="Send to Salesforce").click()
    answer = page.get_by_role("region", name="Salesforce answered")
    expect(answer).to_be_visible()
    return answer


def open_data_out(page: Any) -> None:
    page.get_by_role("link", name="Data Out", exact=True).click()
    expect(page.get_by_role("link", name="Data Out", exact=True)).to_have_attribute("aria-current", "page")
