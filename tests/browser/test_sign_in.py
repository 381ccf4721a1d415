"""The sign-in page in a real browser, and the app's scripts loading offline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_owner_signs_in_with_email_and_password(
    page: Any, live_server: Any, team: Any, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot("sign-in")
    page.get_by_label("Email").fill(team.owner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("status")).to_contain_text(f"signed in as {team.owner.email}")
    expect(page.locator("form.signout")).to_contain_text(team.owner.email)


def test_htmx_is_served_from_static(signed_in: Any, live_server: Any) -> None:
    signed_in.goto(live_server.url + "/")
    # The script comes from our own static files, so the product works offline.
    assert signed_in.evaluate("typeof window.htmx") == "object"
    sources = signed_in.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert sources and all(src.startswith(live_server.url) for src in sources)
