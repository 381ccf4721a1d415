"""Alert webhooks go to public addresses only (no server-side request forgery)."""

from __future__ import annotations

import pytest

from alerts.webhook_urls import UnsafeWebhookURL, check


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_it_refuses_private_loopback_and_link_local_addresses(url: str) -> None:
    with pytest.raises(UnsafeWebhookURL, match="private, loopback or reserved address"):
        check(url, allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://8.8.8.8/hook", "must start with https://"),
        ("https:///hook", "no host name"),
        ("https://user:pass@8.8.8.8/hook", "no user name or password"),
        ("https://8.8.8.8:99999/hook", "cannot be read"),
        ("https://no-such-host.invalid/hook", "cannot be resolved"),
        ("https://8.8.8.8/" + "a" * 600, "too long"),
    ],
)
def test_it_refuses_urls_it_cannot_post_to(url: str, reason: str) -> None:
    with pytest.raises(UnsafeWebhookURL, match=reason):
        check(url, allow_private=False)


def test_it_takes_a_public_address() -> None:
    check("https://8.8.8.8/hook", allow_private=False)


def test_it_takes_loopback_where_private_addresses_are_allowed() -> None:
    check("http://127.0.0.1:9/hook", allow_private=True)


def test_it_follows_the_setting_by_default(settings) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeWebhookURL):
        check("http://127.0.0.1:9/hook")
