"""A phone and the keyboard: the header wraps, Data Out becomes cards, nothing runs off the screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    LAPTOP,
    PHONE,
    History,
    broken_words,
    make_history,
    off_screen,
    page_urls,
)
from tests.engine.conftest import destination, sf  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sf", "destination")]

# Longer than this, a value (an email, an id a client made up) may have to wrap on a phone.
LONGEST_WORD_KEPT_WHOLE = 30


@pytest.fixture
def history(destination: Any, source: Any, salesforce_emulator: Any) -> History:  # noqa: F811
    return make_history(destination, source, salesforce_emulator.org("production"))


@pytest.fixture
def urls(history: History, source: Any) -> dict[str, str]:
    return page_urls(history, source.source.pk)


def _open(page: Any, live_server: Any, url: str, screen: dict[str, int]) -> None:
    page.set_viewport_size(screen)
    page.goto(live_server.url + url)


def test_it_wraps_the_header_navigation_on_a_phone(
    signed_in: Any, live_server: Any, urls: dict[str, str]
) -> None:
    _open(signed_in, live_server, urls["connections"], PHONE)

    nav = signed_in.get_by_role("navigation", name="Workspace")
    for name in ("Connections", "Sources", "Destinations", "Members"):
        expect(nav.get_by_role("link", name=name)).to_be_in_viewport()
    expect(signed_in.get_by_role("button", name="Sign out")).to_be_in_viewport()
    assert off_screen(signed_in, ".topbar a, .topbar button") == []


def test_it_shows_data_out_rows_as_stacked_cards_on_a_phone(
    signed_in: Any, live_server: Any, urls: dict[str, str], history: History
) -> None:
    _open(signed_in, live_server, urls["data-out"], PHONE)

    row = signed_in.locator(f"#delivery-{history.refused.pk}")
    status, action, event, answer = (
        row.locator(f".cell-{part}") for part in ("status", "action", "event", "salesforce")
    )
    boxes = [cell.bounding_box() for cell in (status, action, event, answer)]
    # One above the other, each as wide as the card.
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"]
    assert all(box["width"] > PHONE["width"] * 0.7 for box in boxes[1:])
    # Each part under its label.
    assert action.evaluate("(cell) => getComputedStyle(cell, '::before').content") == '"Action"'
    expect(signed_in.get_by_role("columnheader", name="Status")).not_to_be_in_viewport()
    assert off_screen(signed_in, "#delivery-rows td, #delivery-rows a") == []


@pytest.mark.parametrize("screen", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_it_breaks_no_word_inside_a_data_out_cell(
    signed_in: Any, live_server: Any, urls: dict[str, str], screen: dict[str, int]
) -> None:
    _open(signed_in, live_server, urls["data-out"], screen)

    broken = broken_words(signed_in, "#delivery-rows td")

    assert [word for word in broken if len(word) <= LONGEST_WORD_KEPT_WHOLE] == []


def test_it_keeps_details_on_one_line_on_a_laptop(
    signed_in: Any, live_server: Any, urls: dict[str, str]
) -> None:
    _open(signed_in, live_server, urls["data-out"], LAPTOP)

    links = signed_in.locator("#delivery-rows .cell-details a")
    expect(links.first).to_be_visible()
    lines = links.evaluate_all("(links) => links.map((link) => link.getClientRects().length)")

    assert lines and set(lines) == {1}


def test_it_keeps_the_action_switch_on_screen_and_working_on_a_phone(
    signed_in: Any, live_server: Any, urls: dict[str, str], history: History
) -> None:
    _open(signed_in, live_server, urls["actions"], PHONE)
    switch = signed_in.get_by_role("switch", name=f"{history.upserts.name} enabled")
    switch.scroll_into_view_if_needed()

    expect(switch).to_be_in_viewport(ratio=1)
    assert off_screen(signed_in, "button.switch") == []
    switch.click()

    expect(signed_in.get_by_role("switch", name=f"{history.upserts.name} enabled")).to_have_attribute(
        "aria-checked", "false"
    )


def test_it_keeps_the_editor_values_on_screen_on_a_phone(
    signed_in: Any, live_server: Any, urls: dict[str, str]
) -> None:
    _open(signed_in, live_server, urls["action-editor"], PHONE)

    value = signed_in.get_by_label("Record matcher value").first
    expect(value).to_have_value("$.traits.email")
    value.scroll_into_view_if_needed()
    expect(value).to_be_in_viewport(ratio=1)
    assert (
        off_screen(
            signed_in, "#action-form input:not([type=hidden]), #action-form select, #action-form textarea"
        )
        == []
    )
    assert off_screen(signed_in, "#action-form button") == []


def test_it_skips_to_the_main_content_with_the_keyboard(
    signed_in: Any, live_server: Any, urls: dict[str, str]
) -> None:
    _open(signed_in, live_server, urls["data-out"], LAPTOP)

    signed_in.keyboard.press("Tab")
    skip = signed_in.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    signed_in.keyboard.press("Enter")

    expect(signed_in.locator("main")).to_be_focused()
    # The next Tab goes on inside the page, past the header.
    signed_in.keyboard.press("Tab")
    assert signed_in.evaluate("document.activeElement.closest('main') !== null")


def test_it_keeps_the_dates_out_of_the_tab_order_while_any_time_is_chosen(
    signed_in: Any, live_server: Any, urls: dict[str, str]
) -> None:
    _open(signed_in, live_server, urls["data-out"], LAPTOP)
    time = signed_in.get_by_label("Time")
    expect(time).to_have_value("")

    time.focus()
    signed_in.keyboard.press("Tab")
    expect(signed_in.get_by_role("searchbox", name="Search")).to_be_focused()

    time.select_option("custom")
    time.focus()
    signed_in.keyboard.press("Tab")
    expect(signed_in.get_by_label("From (UTC)")).to_be_focused()


def test_it_sends_no_dates_once_any_time_is_chosen_again(
    signed_in: Any, live_server: Any, urls: dict[str, str]
) -> None:
    _open(signed_in, live_server, urls["data-out"], LAPTOP)
    time = signed_in.get_by_label("Time")
    time.select_option("custom")
    signed_in.get_by_label("From (UTC)").fill("2020-01-01T00:00")

    time.select_option("")
    signed_in.get_by_role("button", name="Apply").click()

    expect(signed_in.locator("#delivery-rows tr").first).to_be_visible()
    assert "from=" not in signed_in.url
    expect(signed_in.get_by_label("From (UTC)")).to_be_hidden()
