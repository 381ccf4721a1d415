"""The dashboard in a real browser: add a destination, connect it to the emulator's demo org through
its consent page, add a Lead upsert matched on email, preview an event, and see a bad matcher refused."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from actions.models import Action
from destinations.models import ConnectionState, Destination
from tests.engine import conftest as engine
from tests.engine.conftest import identify, send

from . import flows

pytestmark = pytest.mark.django_db(transaction=True)

# The emulator's demo org, sending the browser back to the live server.
demo_org = flows.demo_org
sf = engine.sf


def test_marketer_sets_up_a_lead_upsert_and_previews_it(
    signed_in: Any, live_server: Any, source: Any, demo_org: Any, screenshot: Any
) -> None:
    page = signed_in
    flows.open_connections(page, live_server)
    screenshot("connections-empty")

    flows.add_destination(page, "Acme org", sources=(source.source.name,))
    flows.connect_to_demo_org(page)
    flows.enable_destination(page)
    screenshot("destination-settings")
    destination = Destination.objects.get(name="Acme org")
    assert destination.state == ConnectionState.CONNECTED and destination.enabled

    flows.open_actions(page)
    expect(page.get_by_role("status").filter(has_text="identify")).to_be_visible()
    flows.add_lead_upsert_on_email(page, other_field=("Rating", "Hot"))
    action = Action.objects.get(destination=destination)
    assert action.operation == "upsert"
    assert action.record_matchers == [{"field": "Email", "mapping": {"@path": "$.traits.email"}}]
    assert action.other_fields == [{"field": "Rating", "mapping": "Hot"}]

    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="Acme"))
    page.reload()
    expect(page.locator("#trigger-feedback")).to_contain_text("Matches 1 of the last 1 event of")
    screenshot("action-editor")
    result = flows.preview_latest_event(page)
    expect(result).to_contain_text("The trigger takes this event.")
    expect(result).to_contain_text("SELECT Id, Email FROM Lead WHERE Email = 'ada@example.com'")
    expect(result).to_contain_text('"Rating": "Hot"')
    screenshot("preview")
    answer = flows.send_test_event(page)
    expect(answer).to_contain_text("Delivered")
    [lead] = demo_org.org("production").records("Lead")
    expect(answer).to_contain_text(lead["Id"])
    assert lead["Rating"] == "Hot"
    screenshot("send-test-event")

    flows.open_actions(page)
    expect(page.get_by_role("row", name="Lead")).to_contain_text("Upsert")
    screenshot("actions-tab")
    page.get_by_role("switch", name="Lead enabled").click()
    expect(page.get_by_role("switch", name="Lead enabled")).to_have_attribute("aria-checked", "false")
    expect(page.locator("#coverage")).to_contain_text("identify")
    assert not Action.objects.get(pk=action.pk).enabled
    flows.open_connections(page, live_server)
    destinations = page.get_by_role("region", name="Destinations")
    expect(destinations.get_by_role("row", name="Acme org")).to_contain_text("Enabled")
    screenshot("connections")


def test_a_matcher_salesforce_cannot_filter_on_is_refused(
    signed_in: Any, live_server: Any, source: Any, demo_org: Any
) -> None:
    page = signed_in
    flows.open_connections(page, live_server)
    flows.add_destination(page, "Acme org")
    flows.connect_to_demo_org(page)
    flows.open_actions(page)
    flows.add_lead_upsert_on_email(page, other_field=("Rating", "Hot"))

    page.get_by_role("button", name="Add matcher").click()
    flows.fill_row(page, "Record matcher", "Description", "$.traits.notes", index=1)
    page.get_by_role("button", name="Add field").click()
    flows.fill_row(page, "Other field", "Industry", "Retail", index=1)
    page.get_by_role("button", name="Remove this other field").first.click()
    page.get_by_role("button", name="Save action").click()

    expect(page.locator("#errors-record_matchers")).to_contain_text(
        "Description cannot be a record matcher: Salesforce cannot filter on it"
    )
    expect(page.locator(".flash")).to_contain_text("Nothing was saved")
    assert Action.objects.get().record_matchers[0]["field"] == "Email"
    # The rows came back as the user left them: Rating removed, Industry added.
    expect(page.get_by_label("Other field field").first).to_have_value("Industry")


def test_the_trigger_is_checked_as_it_is_typed(
    signed_in: Any, live_server: Any, team: Any, source: Any
) -> None:
    destination = Destination.objects.create(workspace=team.workspace, name="Offline org")
    page = signed_in
    page.goto(f"{live_server.url}/w/{team.workspace.pk}/destinations/{destination.pk}/actions/new/contact/")
    expect(page.locator("#org-note")).to_contain_text("not connected")

    page.get_by_label("Which events this action takes").fill('type = "identify" and')

    expect(page.locator("#trigger-feedback")).to_contain_text("column 22")
    page.get_by_label("Which events this action takes").fill('type = "identify"')
    expect(page.locator("#trigger-feedback")).to_contain_text("Valid")
