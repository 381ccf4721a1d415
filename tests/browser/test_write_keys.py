"""A source's write key in the browser: shown once with a copy button, then masked; rotated with a grace period."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.urls import reverse
from playwright.sync_api import expect

from sources.models import Source
from tests.browser.pages import LAPTOP, PHONE, horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"phone": PHONE, "laptop": LAPTOP}


def _send(live_server: Any, key: str) -> int:
    return requests.post(
        f"{live_server.url}/v1/track", json={"userId": "u", "event": "Moved"}, auth=(key, ""), timeout=20
    ).status_code


def _fits(page: Any, screenshot: Any, name: str) -> None:
    screenshot(name)
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("screen", SCREENS)
def test_it_shows_a_new_sources_key_once_with_a_copy_button(
    signed_in: Any, live_server: Any, team: Any, screenshot: Any, screen: str
) -> None:
    page = signed_in
    page.set_viewport_size(SCREENS[screen])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + reverse("sources:list", kwargs={"workspace_id": team.workspace.pk}))

    page.get_by_label("Name").fill("Mobile app")
    page.get_by_role("button", name="Add source").click()

    expect(page.get_by_text("you will not see it again")).to_be_visible()
    key = page.locator("#write-key").inner_text().strip()
    assert key.startswith("wk_")
    _fits(page, screenshot, f"source-key-created-{screen}")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert _send(live_server, key) == 200

    page.get_by_role("link", name="Done").click()
    expect(page.get_by_text(f"wk_…{key[-4:]}")).to_be_visible()
    assert key not in page.content()
    _fits(page, screenshot, f"source-key-masked-{screen}")


@pytest.mark.parametrize("screen", SCREENS)
def test_it_rotates_a_key_keeping_the_old_one_until_the_grace_period_is_ended(
    signed_in: Any, live_server: Any, team: Any, source: Any, screenshot: Any, screen: str
) -> None:
    page = signed_in
    page.set_viewport_size(SCREENS[screen])
    page.on("dialog", lambda dialog: dialog.accept())
    detail = reverse(
        "sources:detail", kwargs={"workspace_id": team.workspace.pk, "source_id": source.source.pk}
    )
    page.goto(live_server.url + detail)

    page.get_by_role("button", name="Rotate write key").click()

    expect(page.get_by_text("you will not see it again")).to_be_visible()
    expect(page.get_by_text("keeps working until")).to_be_visible()
    new_key = page.locator("#write-key").inner_text().strip()
    assert new_key != source.key
    _fits(page, screenshot, f"source-key-rotated-{screen}")
    assert (_send(live_server, source.key), _send(live_server, new_key)) == (200, 200)

    page.get_by_role("link", name="Done").click()
    grace = page.locator("section.grace")
    expect(grace).to_contain_text(f"wk_…{source.key[-4:]}")
    expires = Source.objects.get(pk=source.source.pk).previous_key_expires_at
    expect(grace).to_contain_text(f"{expires:%Y-%m-%d %H:%M} UTC")
    _fits(page, screenshot, f"source-key-in-grace-{screen}")

    grace.get_by_role("button", name="Stop the previous key now").click()

    expect(page.get_by_text("no longer works")).to_be_visible()
    expect(page.locator("section.grace")).to_have_count(0)
    assert (_send(live_server, source.key), _send(live_server, new_key)) == (401, 200)
    _fits(page, screenshot, f"source-key-grace-ended-{screen}")


def test_the_rotate_button_asks_first_and_changes_nothing_when_refused(
    signed_in: Any, live_server: Any, team: Any, source: Any
) -> None:
    page = signed_in
    page.on("dialog", lambda dialog: dialog.dismiss())
    detail = reverse(
        "sources:detail", kwargs={"workspace_id": team.workspace.pk, "source_id": source.source.pk}
    )
    page.goto(live_server.url + detail)

    page.get_by_role("button", name="Rotate write key").click()

    expect(page.get_by_role("button", name="Rotate write key")).to_be_visible()
    assert page.url == live_server.url + detail
    assert Source.objects.get(pk=source.source.pk).previous_key_hash is None
