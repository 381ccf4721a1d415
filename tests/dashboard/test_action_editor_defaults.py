"""The editor without traps: each kind's starting settings, fallbacks and defaults, no stray rows, a clear title."""

import re

import pytest

from actions.mapping.chains import chain
from actions.models import Action
from destinations.models import Destination
from tests.dashboard.action_pages import action_url as _url
from tests.dashboard.action_pages import lead_form, part_of


@pytest.fixture
def offline(team):
    return Destination.objects.create(workspace=team.workspace, name="Offline")


def _lead(**extra):
    return lead_form(**{"other_field": [], "other_value": [], **extra})


def _values(page, name):
    """The values of the inputs so named, leaving out the rows' templates (added by "Add")."""
    page = re.sub(r"<template .*?</template>", "", page, flags=re.S)
    return re.findall(rf'name="{name}" value="([^"]*)"', page)


def _selected_operation(page):
    return part_of(page.split('id="id_operation"', 1)[1], r'<option value="(\w*)" selected>')


def test_a_new_lead_starts_as_an_upsert_matched_on_email(team, offline):
    page = team.client_for("owner").get(_url(offline, "new", kind="lead")).content.decode()

    assert _selected_operation(page) == "upsert"
    assert _values(page, "matcher_field") == ["Email"]
    assert _values(page, "matcher_value") == ["$.traits.email"]
    assert re.search(r'<fieldset id="matchers" data-shown-for="[^"]*">', page)


@pytest.mark.parametrize(
    ("kind", "operation", "matcher"),
    [
        ("contact", "upsert", ("Email", "$.traits.email")),
        ("account", "upsert", ("AccountNumber", "$.groupId")),
        ("case", "create", None),
        ("opportunity", "create", None),
        ("custom_object", "", None),
    ],
)
def test_each_kind_starts_with_its_operation(team, offline, kind, operation, matcher):
    page = team.client_for("owner").get(_url(offline, "new", kind=kind)).content.decode()

    assert _selected_operation(page) == operation
    if matcher:
        assert (_values(page, "matcher_field")[0], _values(page, "matcher_value")[0]) == matcher


def test_the_lead_defaults_save_as_they_are_shown(team, offline):
    client = team.client_for("owner")
    page = client.get(_url(offline, "new", kind="lead")).content.decode()
    post = dict(re.findall(r'name="(field__\w+|default__\w+|name)" value="([^"]*)"', page))
    post.update(trigger='type = "identify"', operation="upsert", enabled="on", batch_size="1000")
    post.update(matcher_field=["Email"], matcher_value=["$.traits.email"], matcher_operator="OR")

    client.post(_url(offline, "new", kind="lead"), post)

    action = Action.objects.get()
    assert action.record_matchers == [{"field": "Email", "mapping": {"@path": "$.traits.email"}}]
    assert action.fields["Company"] == chain(["$.traits.company", "$.properties.company"])


def test_it_saves_a_chain_ending_in_a_quoted_fallback(team, offline):
    text = '$.traits.company | $.properties.company | "Unknown company"'

    team.client_for("owner").post(_url(offline, "new", kind="lead"), _lead(field__Company=text))

    fallback = chain(["$.traits.company", "$.properties.company"], "Unknown company")
    assert Action.objects.get().fields["Company"] == fallback


def test_it_refuses_an_unquoted_fallback_on_its_field_and_saves_nothing(team, offline):
    text = "$.traits.company | $.properties.company | Unknown company"

    response = team.client_for("owner").post(_url(offline, "new", kind="lead"), _lead(field__Company=text))

    page = response.content.decode()
    assert response.status_code == 400
    errors = part_of(page, r'<ul class="errorlist row-errors" id="errors-field-Company">(.*?)</ul>')
    assert 'aria-describedby="errors-field-Company"' in page
    assert "Company ends in Unknown company, which is neither a path nor text in quotes" in errors
    assert "… | &quot;Unknown company&quot;" in errors
    assert not Action.objects.exists()


def test_it_refuses_a_path_written_without_its_dollar(team, offline):
    response = team.client_for("owner").post(
        _url(offline, "new", kind="lead"), _lead(other_field=["Plan__c"], other_value=["traits.plan"])
    )

    assert response.status_code == 400
    assert "write $.traits.plan for the value" in response.content.decode()


def test_the_preview_does_not_call_such_settings_valid(team, offline, source):
    post = _lead(field__Company="$.traits.company | Unknown company", kind="lead")
    post["event_json"] = '{"type": "identify", "traits": {"email": "ada@example.com"}}'

    page = team.client_for("owner").post(_url(offline, "preview"), post).content.decode()

    assert "The settings are valid" not in page
    assert "neither a path nor text in quotes" in page


def test_it_saves_a_default_typed_beside_the_value(team, offline):
    post = _lead(default__Company="Unknown company", other_field=["Plan__c"], other_value=["$.traits.plan"])
    post["other_default"] = ["free"]

    team.client_for("owner").post(_url(offline, "new", kind="lead"), post)

    action = Action.objects.get()
    assert action.fields["Company"] == chain(["$.traits.company"], "Unknown company")
    assert action.other_fields == [{"field": "Plan__c", "mapping": chain(["$.traits.plan"], "free")}]


def test_it_shows_a_saved_fallback_as_the_default(team, offline):
    action = Action.objects.create(
        destination=offline,
        kind="lead",
        name="Leads",
        operation="create",
        fields={"Company": chain(["$.traits.company", "$.properties.company"], "Unknown company")},
    )

    page = team.client_for("owner").get(_url(offline, "edit", action_id=action.pk)).content.decode()

    assert 'name="field__Company" value="$.traits.company | $.properties.company"' in page
    assert 'name="default__Company" value="Unknown company"' in page


def test_it_refuses_a_default_for_a_fixed_value(team, offline):
    response = team.client_for("owner").post(
        _url(offline, "new", kind="lead"), _lead(field__Company="Acme", default__Company="Other")
    )

    assert response.status_code == 400
    assert "Company has a fixed value, which needs no default" in response.content.decode()


def test_it_adds_no_blank_rows_after_saved_ones(team, offline):
    action = Action.objects.create(
        destination=offline,
        kind="lead",
        name="Leads",
        operation="upsert",
        record_matchers=[{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
        other_fields=[{"field": "Rating", "mapping": "Hot"}],
    )

    page = team.client_for("owner").get(_url(offline, "edit", action_id=action.pk)).content.decode()

    assert _values(page, "matcher_field") == ["Email"]
    assert _values(page, "other_field") == ["Rating"]


def test_it_offers_one_row_to_type_in_when_there_is_none(team, offline):
    page = team.client_for("owner").get(_url(offline, "new", kind="case")).content.decode()

    assert _values(page, "other_field") == [""]


@pytest.mark.parametrize(("name", "title"), [("Lead", "Lead"), ("Sign-ups", "Sign-ups")])
def test_the_title_names_the_action_once(team, offline, name, title):
    action = Action.objects.create(destination=offline, kind="lead", name=name, operation="create")

    page = team.client_for("owner").get(_url(offline, "edit", action_id=action.pk)).content.decode()

    assert f"<h2>{title}</h2>" in page
    assert "Lead · Lead" not in page and 'Lead <span class="muted">· Lead' not in page
    assert ("Lead action" in page) == (name != "Lead")
