"""The replay page in a real browser: count, replay, the progress bar following the worker; on a phone too."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deliveries.models import Delivery
from destinations.models import Destination
from replays import running
from replays.models import Replay
from tests.browser.pages import PHONE, horizontal_overflow
from tests.engine.conftest import destination, identify, make_action, send, sf  # noqa: F401
from tests.replays.conftest import replay_now

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sf", "destination")]


def _page(connected: Destination) -> str:
    return reverse(
        "replays:replay", kwargs={"workspace_id": connected.workspace_id, "destination_id": connected.pk}
    )


def test_it_counts_then_replays_with_a_progress_bar(
    signed_in: Any, live_server: Any, source: Any, screenshot: Any
) -> None:
    connected = Destination.objects.get()
    send(source, *(identify(f"u{n}", email=f"u{n}@x.io", last_name="L", company="C") for n in range(12)))
    action = make_action(connected, "lead", "create", name="Backfill leads")

    signed_in.goto(live_server.url + _page(connected))
    signed_in.get_by_label("Action:", exact=True).select_option(label="Backfill leads")
    signed_in.get_by_role("button", name="Count events").click()
    expect(signed_in.locator("#replay-count")).to_contain_text("The trigger takes 12 of the 12 events")
    screenshot("replay-count")
    signed_in.get_by_role("button", name="Replay 12 events").click()

    item = signed_in.locator("#replays li").first
    expect(item).to_contain_text("Queued")
    running.run(Replay.objects.get().pk)  # the worker's part
    expect(item).to_contain_text("Done: 12 of 12 events looked at, 12 deliveries made")
    expect(item.locator("progress")).to_have_attribute("value", "100")
    assert Delivery.objects.filter(action=action, replay__isnull=False).count() == 12
    screenshot("replay-done")


def test_it_fits_the_replay_page_on_a_phone(
    signed_in: Any, live_server: Any, source: Any, screenshot: Any
) -> None:
    connected = Destination.objects.get()
    send(source, identify("u1", email="u1@x.io"))
    action = make_action(
        connected, "lead", "create", name="A lead action with a rather long name for a phone"
    )
    replay_now(action)
    signed_in.set_viewport_size(PHONE)

    signed_in.goto(live_server.url + _page(connected))
    signed_in.get_by_role("button", name="Count events").click()

    expect(signed_in.locator("#replay-count")).to_be_visible()
    screenshot("replay-phone")
    assert horizontal_overflow(signed_in) == 0
