"""One address for the banner, the links and the OAuth callback: PUBLIC_URL, or the address BIND serves."""

from __future__ import annotations

import pytest

from config.public_url import bind_disagreement, public_url_for


def test_it_takes_the_address_bind_serves_when_public_url_is_not_set():
    assert public_url_for("127.0.0.1:8765", "") == "http://127.0.0.1:8765"
    assert public_url_for("127.0.0.1:8765", "  ") == "http://127.0.0.1:8765"


def test_it_keeps_a_configured_public_url():
    assert public_url_for("127.0.0.1:8765", "https://cdp.example.com/") == "https://cdp.example.com"


def test_it_says_nothing_when_public_url_was_not_set():
    assert bind_disagreement("http://127.0.0.1:8765", "127.0.0.1:8765", configured=False) is None


@pytest.mark.parametrize(
    ("public_url", "bind"),
    [
        ("http://127.0.0.1:8765", "127.0.0.1:8765"),
        ("http://crm.example.com:8000", "0.0.0.0:8000"),
        ("http://LOCALHOST:8000", "localhost:8000"),
    ],
)
def test_it_says_nothing_when_both_name_the_same_address(public_url, bind):
    assert bind_disagreement(public_url, bind, configured=True) is None


@pytest.mark.parametrize(
    ("public_url", "bind"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8765"),
        ("https://cdp.example.com", "127.0.0.1:8000"),
        ("http://127.0.0.1:8000", "127.0.0.2:8000"),
    ],
)
def test_it_says_in_one_line_when_they_disagree(public_url, bind):
    line = bind_disagreement(public_url, bind, configured=True)

    assert line is not None
    assert "\n" not in line
    assert public_url in line
    assert f"http://{bind}" in line
