"""The source page's rejected messages, in a real browser, after a client's batch with bad messages."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages import horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_source_page_lists_what_intake_rejected(
    signed_in: Any, live_server: Any, team: Any, source: Any, screenshot: Any
) -> None:
    auth = "Basic " + base64.b64encode(f"{source.key}:".encode()).decode()
    batch = [
        {"type": "identify", "userId": "u1", "traits": {"email": "ada@example.com"}},
        {"type": "group", "userId": "u1", "messageId": "grp-without-id", "traits": {"plan": "secret-plan"}},
        {"type": "purchase", "userId": "u1", "messageId": "odd-type"},
    ]
    answer = requests.post(
        f"{live_server.url}/v1/batch", json={"batch": batch}, headers={"Authorization": auth}, timeout=30
    )
    assert answer.status_code == 200
    assert answer.json()["accepted"] == 1

    signed_in.goto(f"{live_server.url}/w/{team.workspace.pk}/sources/{source.source.pk}/")

    section = signed_in.get_by_role("region", name="Rejected messages (last 24 hours)")
    expect(section).to_contain_text("2 messages rejected")
    counts = section.locator("table.rejection-counts tbody tr")
    expect(counts).to_have_count(2)
    expect(counts.filter(has_text="A group message needs a 'groupId'.")).to_contain_text("1")
    examples = section.locator("table.rejection-examples tbody tr")
    expect(examples).to_have_count(2)
    expect(examples.filter(has_text="grp-without-id")).to_contain_text("group")
    expect(examples.filter(has_text="odd-type")).to_contain_text("purchase")
    expect(section).not_to_contain_text("secret-plan")
    expect(signed_in.locator("body")).not_to_contain_text(source.key)
    screenshot("source-rejections")

    signed_in.set_viewport_size({"width": 390, "height": 844})
    signed_in.reload()
    expect(section).to_be_visible()
    assert horizontal_overflow(signed_in) == 0
    screenshot("source-rejections-phone")
