"""Every main page under the strict content security policy: nothing refused, confirm dialogs still work."""

from __future__ import annotations

from typing import Any

import pytest

from destinations.models import Destination
from tests.browser.pages import make_history, page_urls
from tests.engine import conftest as engine

sf = engine.sf
destination = engine.destination

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sf", "destination")]

# Runs before any page script: records what the browser refused, as the page sees it.
LISTEN = """
window.__refused = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__refused.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watched(page: Any) -> list[str]:
    refused: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


def test_no_main_page_has_anything_refused_by_the_policy(
    signed_in: Any,
    live_server: Any,
    destination: Any,
    source: Any,
    salesforce_emulator: Any,
) -> None:
    urls = page_urls(
        make_history(destination, source, salesforce_emulator.org("production")), source.source.pk
    )
    console = _watched(signed_in)

    for name, url in urls.items():
        response = signed_in.goto(live_server.url + url)
        assert response is not None and response.ok, name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        signed_in.wait_for_load_state("networkidle")
        assert signed_in.evaluate("window.__refused") == [], name
    assert console == []


def test_the_sign_in_page_has_nothing_refused(page: Any, live_server: Any) -> None:
    console = _watched(page)

    page.goto(live_server.url + "/accounts/login/")
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__refused") == []
    assert console == []


def test_the_disconnect_confirm_dialog_still_asks(signed_in: Any, live_server: Any, destination: Any) -> None:
    console = _watched(signed_in)
    asked: list[str] = []

    def decline(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    signed_in.on("dialog", decline)
    url = f"/w/{destination.workspace_id}/destinations/{destination.pk}/"
    signed_in.goto(live_server.url + url)
    signed_in.get_by_role("button", name="Disconnect").click()

    assert asked and asked[0].startswith("Disconnect? The token is revoked")
    assert Destination.objects.get(pk=destination.pk).state == destination.state
    assert signed_in.evaluate("window.__refused") == []
    assert console == []
