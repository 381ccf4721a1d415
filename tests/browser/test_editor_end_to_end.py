"""The whole "Getting started" in a real browser, against the emulator's demo org: Add New, Connect
(the consent page), Enable Destination, a Lead upsert matched on email with one Other Field, a
preview, events sent with the Customer.io client library, and their Salesforce ids in Data Out."""

from __future__ import annotations

from typing import Any

import pytest
from customerio.analytics import Client as CustomerIoClient
from customerio.analytics import request as customerio_request
from playwright.sync_api import expect

from actions.models import Action
from deliveries.models import Delivery
from tests.engine import conftest as engine
from tests.engine.conftest import deliver

from . import flows

pytestmark = pytest.mark.django_db(transaction=True)

# The emulator's demo org, sending the browser back to the live server.
demo_org = flows.demo_org
sf = engine.sf


@pytest.fixture
def customerio(live_server: Any, source: Any) -> Any:
    """The Customer.io client library, unmodified, pointed at the live server with the source's key."""
    client = CustomerIoClient(source.key, host=live_server.url, sync_mode=True, max_retries=0)
    yield client
    # The library's module-wide session would keep a live-server thread (and its database connection).
    customerio_request._session.close()


def test_events_from_a_client_library_reach_salesforce_and_data_out(
    signed_in: Any,
    live_server: Any,
    source: Any,
    demo_org: Any,
    customerio: Any,
    screenshot: Any,
) -> None:
    page = signed_in
    flows.open_connections(page, live_server)
    flows.add_destination(page, "Acme org", sources=(source.source.name,))
    flows.connect_to_demo_org(page)
    flows.enable_destination(page)
    flows.open_actions(page)
    flows.add_lead_upsert_on_email(page, other_field=("LeadSource", "Web"))

    customerio.identify("ada", {"email": "ada@example.com", "last_name": "Lovelace", "company": "Analytical"})
    customerio.identify("grace", {"email": "grace@example.com", "last_name": "Hopper", "company": "Navy"})
    customerio.track("ada", "Order Completed", {"total": 10})
    page.reload()
    expect(page.locator("#trigger-feedback")).to_contain_text("Matches 2 of the last 3 events")
    result = flows.preview_latest_event(page)
    expect(result).to_contain_text("The trigger does not take this event.")

    # What the queue workers do: run the action's sender.
    delivered = deliver(Action.objects.get())

    leads = {lead["Email"]: lead for lead in demo_org.org("production").records("Lead")}
    assert sorted(leads) == ["ada@example.com", "grace@example.com"]
    assert {lead["LeadSource"] for lead in leads.values()} == {"Web"}
    assert [d.status for d in delivered] == ["delivered", "delivered"]
    flows.open_data_out(page)
    for delivery in Delivery.objects.all():
        row = page.locator(f"#delivery-{delivery.pk}")
        expect(row).to_contain_text("Delivered")
        expect(row.get_by_role("link", name=delivery.record_id)).to_be_visible()
        assert delivery.record_id == leads[delivery.event.email]["Id"]
    screenshot("data-out-after-setup")
