"""Browser tests: Playwright driving the system's Chromium against a live server.

The browser is Debian's Chromium (``/usr/bin/chromium``); nothing is
downloaded. Where it is missing the browser tests are skipped with the
reason, except when ``REQUIRE_BROWSER`` is set (CI sets it), where a missing
browser is a failure: a green CI run always includes the browser tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# Playwright's synchronous API runs an event loop in the test's thread;
# Django refuses ORM calls from a thread with a running loop unless told
# the calls are deliberate. Test set-up and assertions query the database
# between browser steps, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Playwright's 5 s default for `expect` is shorter than a round trip through
# the live server and the emulator takes on a loaded two-core machine (the
# OAuth consent alone is three requests); a real failure still fails, later.
EXPECT_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def _patient_expectations() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def _browser_available() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    _browser_available()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A laptop screen.
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}}


@pytest.fixture
def screenshot(page: Any) -> Iterator[Any]:
    """Save a full-page screenshot of the current page under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take


@pytest.fixture
def signed_in(page: Any, live_server: Any, team: Any) -> Any:
    """The page of a browser signed in as the workspace owner (by session cookie)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(team.owner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page
