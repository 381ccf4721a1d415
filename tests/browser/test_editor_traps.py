"""The action editor in a real browser: the form follows every operation change (even one made before
its script ran), fallbacks and defaults, and deleting, archiving and restoring an action."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from actions.mapping.chains import chain
from actions.models import Action
from destinations.models import Destination
from tests.dashboard.action_pages import action_url
from tests.engine.conftest import destination, sf  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def offline(team: Any) -> Destination:
    return Destination.objects.create(workspace=team.workspace, name="Offline org")


def test_the_form_follows_an_operation_chosen_before_the_page_script_ran(
    signed_in: Any, live_server: Any, offline: Destination
) -> None:
    page = signed_in
    held: list[Any] = []
    page.route("**/static/js/editor.js", lambda route: held.append(route))
    page.goto(live_server.url + action_url(offline, "new", kind="lead"), wait_until="commit")

    # The marketer is quicker than the network: the page is there, its script is not yet.
    page.get_by_label("What to do with the record").select_option("delete")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()

    expect(page.locator("#fields")).to_be_hidden()
    expect(page.locator("#matchers")).to_be_visible()


def test_the_form_follows_each_operation_change_and_keeps_what_was_typed(
    signed_in: Any, live_server: Any, offline: Destination, screenshot: Any
) -> None:
    page = signed_in
    page.goto(live_server.url + action_url(offline, "new", kind="lead"))
    page.get_by_label("Name", exact=True).fill("Sign-ups")

    page.get_by_label("What to do with the record").select_option("delete")
    expect(page.locator("#matchers")).to_be_visible()
    expect(page.locator("#fields")).to_be_hidden()
    expect(page.locator("#bulk")).to_be_hidden()

    page.get_by_label("What to do with the record").select_option("update")
    page.get_by_label("Use Salesforce Bulk API").check()
    expect(page.get_by_label("Bulk Update Record Id")).to_be_visible()
    expect(page.get_by_label("Batch Size")).to_be_visible()

    page.get_by_label("What to do with the record").select_option("create")
    expect(page.locator("#matchers")).to_be_hidden()
    expect(page.locator("#bulk")).to_be_hidden()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Sign-ups")
    screenshot("editor-create")


def test_the_editors_values_and_defaults_stay_on_a_phone_screen(
    signed_in: Any, live_server: Any, offline: Destination, screenshot: Any
) -> None:
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + action_url(offline, "new", kind="lead"))

    company, default = page.locator("#field-Company"), page.get_by_label("Company default")
    expect(company).to_be_visible()
    for box in (company.bounding_box(), default.bounding_box()):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.get_by_text("Mapping directives, for advanced mappings").click()
    beyond = page.evaluate(
        """() => [...document.querySelectorAll(".editor-layout *")]
                 .filter((e) => e.getBoundingClientRect().right > 391).map((e) => e.outerHTML.slice(0, 60))"""
    )
    assert beyond == []
    screenshot("editor-390")


def test_an_unquoted_fallback_is_refused_on_its_field_and_a_default_is_saved(
    signed_in: Any, live_server: Any, offline: Destination, screenshot: Any
) -> None:
    page = signed_in
    page.goto(live_server.url + action_url(offline, "new", kind="lead"))
    page.locator("#field-Company").fill("$.traits.company | $.properties.company | Unknown company")
    page.get_by_role("button", name="Create action").click()

    expect(page.locator("#errors-field-Company")).to_contain_text("neither a path nor text in quotes")
    expect(page.locator("#errors-field-Company")).to_contain_text('… | "Unknown company"')
    assert not Action.objects.exists()
    screenshot("editor-fallback-refused")

    page.locator("#field-Company").fill("$.traits.company | $.properties.company")
    page.get_by_label("Company default").fill("Unknown company")
    page.get_by_role("button", name="Create action").click()

    expect(page.locator(".flash")).to_contain_text("was created")
    assert Action.objects.get().fields["Company"] == chain(
        ["$.traits.company", "$.properties.company"], "Unknown company"
    )
    expect(page.get_by_label("Company default")).to_have_value("Unknown company")
    page.get_by_label("Or paste an event (JSON)").fill(
        '{"type": "identify", "traits": {"last_name": "Lovelace"}}'
    )
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview-result")).to_contain_text('"Company": "Unknown company"')


def test_deleting_an_action_archives_it_and_it_can_be_restored(
    signed_in: Any, live_server: Any, offline: Destination, screenshot: Any
) -> None:
    page = signed_in
    action = Action.objects.create(
        destination=offline, kind="lead", name="Sign-ups", trigger='type = "identify"', operation="create"
    )
    page.goto(live_server.url + action_url(offline, "edit", action_id=action.pk))

    page.get_by_role("link", name="Delete action…").click()
    expect(page.get_by_role("heading", name="Delete the action Sign-ups?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Its Data Out history is kept")
    screenshot("action-delete-confirmation")
    page.get_by_role("button", name="Delete action").click()

    expect(page.locator(".flash")).to_contain_text("Its Data Out history is kept")
    expect(page.get_by_role("link", name="Sign-ups")).to_have_count(0)
    page.get_by_role("link", name="Archived actions (1)").click()
    screenshot("archived-actions")
    page.get_by_role("button", name="Restore Sign-ups").click()

    expect(page.locator(".flash")).to_contain_text("restored")
    expect(page.get_by_role("row", name="Sign-ups")).to_be_visible()
    assert Action.live.filter(pk=action.pk).exists()


def test_the_banner_names_the_action_that_is_off(
    signed_in: Any, live_server: Any, offline: Destination
) -> None:
    page = signed_in
    Action.objects.create(
        destination=offline, kind="account", name="Account", trigger='type = "group"', operation="create"
    )
    page.goto(live_server.url + action_url(offline))

    page.get_by_role("switch", name="Account enabled").click()

    expect(page.locator("#coverage")).to_contain_text("your Account action is off")
    page.get_by_role("switch", name="Account enabled").click()
    expect(page.locator("#coverage")).not_to_contain_text("group")


@pytest.mark.usefixtures("sf", "destination")
def test_a_new_custom_object_brings_its_fields_without_touching_what_was_typed(
    signed_in: Any, live_server: Any
) -> None:
    connected = Destination.objects.get()
    page = signed_in
    page.goto(live_server.url + action_url(connected, "new", kind="custom_object"))
    page.get_by_label("Name", exact=True).fill("Subscriptions")
    page.get_by_label("Other field value").fill("$.properties.plan")

    expect(page.locator("#org-note")).to_contain_text("Choose the Salesforce object")
    page.get_by_label("Salesforce Object").fill("Subscription__c")
    page.get_by_label("Salesforce Object").press("Tab")

    offered = page.locator("#sf-writable-create option[value$='__c']")
    expect(offered.first).to_be_attached()
    expect(page.locator("#org-note")).to_have_count(0)
    expect(page.get_by_label("Name", exact=True)).to_have_value("Subscriptions")
    expect(page.get_by_label("Other field value")).to_have_value("$.properties.plan")
