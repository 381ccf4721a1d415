"""The action editor: defaults, saving, inline errors, and pickers filled from the org's describe."""

import re

import pytest
from django.urls import reverse

from actions.mapping.validation import MAX_DIRECTIVE_DEPTH
from actions.models import Action
from destinations.models import ConnectionState, Destination
from tests.dashboard.action_pages import action_url as _url
from tests.dashboard.action_pages import lead_form as _lead_upsert
from tests.engine import conftest as engine

# The emulator org and a destination connected to it, from the engine tests.
sf = engine.sf
destination = engine.destination


def _hidden(page, element_id):
    """Whether the element is rendered hidden; fails when the page has no such element."""
    found = re.search(rf'<(?:fieldset|div) id="{element_id}"[^>]*>', page)
    assert found, element_id
    return found.group(0).endswith(" hidden>")


def _datalist(page, name):
    found = re.search(rf'<datalist id="{name}">(.*?)</datalist>', page, re.S)
    assert found, name
    return set(re.findall(r'<option value="([^"]+)"', found.group(1)))


@pytest.fixture
def offline(team):
    return Destination.objects.create(workspace=team.workspace, name="Offline")


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_opens_a_new_lead_with_its_defaults(team, offline, who):
    page = team.client_for(who).get(_url(offline, "new", kind="lead")).content.decode()

    assert "New Lead action" in page
    assert "type = &quot;identify&quot;" in page
    assert 'value="$.traits.last_name | $.properties.last_name"' in page
    assert not Action.objects.exists()


def test_it_opens_account_with_the_group_trigger_and_contact_without_one(team, offline):
    client = team.client_for("owner")

    account = client.get(_url(offline, "new", kind="account")).content.decode()
    contact = client.get(_url(offline, "new", kind="contact")).content.decode()

    assert "type = &quot;group&quot;" in account
    assert re.search(r'name="trigger"[^>]*>\s*</textarea>', contact)


def test_it_refuses_an_unknown_kind(team, offline):
    assert team.client_for("owner").get(_url(offline, "new", kind="widget")).status_code == 404


def test_it_creates_an_action_from_the_form(team, offline):
    response = team.client_for("member").post(_url(offline, "new", kind="lead"), _lead_upsert())

    action = Action.objects.get()
    assert response["Location"] == _url(offline, "edit", action_id=action.pk)
    assert action.operation == "upsert"
    assert action.record_matchers == [{"field": "Email", "mapping": {"@path": "$.traits.email"}}]
    assert action.fields["LastName"] == {
        "@if": {
            "exists": {"@path": "$.traits.last_name"},
            "then": {"@path": "$.traits.last_name"},
            "else": {"@path": "$.properties.last_name"},
        }
    }
    assert action.other_fields == [{"field": "Rating", "mapping": "Hot"}]
    assert "FirstName" not in action.fields


def test_it_saves_changes_to_an_action(team, offline):
    client = team.client_for("owner")
    client.post(_url(offline, "new", kind="lead"), _lead_upsert())
    action = Action.objects.get()

    client.post(
        _url(offline, "edit", action_id=action.pk), _lead_upsert(trigger='type = "track"', name="Renamed")
    )

    action.refresh_from_db()
    assert (action.name, action.trigger) == ("Renamed", 'type = "track"')


def test_it_shows_the_saved_action_in_the_form(team, offline):
    client = team.client_for("owner")
    client.post(_url(offline, "new", kind="lead"), _lead_upsert(other_value=['{"@template": "{{x}} y"}', ""]))
    action = Action.objects.get()

    page = client.get(_url(offline, "edit", action_id=action.pk)).content.decode()

    assert 'value="Email"' in page and 'value="$.traits.email"' in page
    assert 'value="Rating"' in page
    assert 'value="{{x}} y"' in page


# Directives inside one another, one past the limit.
DIRECTIVES_TOO_DEEP = (
    '{"@case": {"operator": "upper", "value": ' * MAX_DIRECTIVE_DEPTH
    + '{"@path": "$.traits.company"}'
    + "}}" * MAX_DIRECTIVE_DEPTH
)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"operation": ""}, "operation", "Choose an operation"),
        ({"trigger": 'type = "identify" and'}, "trigger", "column"),
        ({"matcher_field": [], "matcher_value": []}, "record_matchers", "Add at least one record matcher"),
        ({"field__Company": '{"@path": '}, "field-Company", "Company is not valid JSON"),
        ({"field__Company": "[" * 100_000}, "field-Company", "Company is nested too deeply to read"),
        ({"field__Company": "$.traits.company | " + "[" * 100_000}, "field-Company", "Company"),
        (
            {"field__Company": DIRECTIVES_TOO_DEEP},
            "fields",
            f"Directives are nested more than {MAX_DIRECTIVE_DEPTH} deep",
        ),
        ({"other_value": ['{"@nope": 1}', ""]}, "other_fields", "Rating"),
        ({"name": " "}, "name", "Give the action a name"),
        ({"operation": "merge"}, "operation", "delete; got &quot;merge&quot;."),
        ({"matcher_operator": "NOR"}, "matcher_operator", "OR or AND; got &quot;NOR&quot;."),
        ({"batch_size": "ten"}, "batch_size", "10,000; got &quot;ten&quot;."),
        (
            {"matcher_field": ["Email; DROP"]},
            "record_matchers",
            "Record matcher 1: &quot;Email; DROP&quot; is not a Salesforce field name",
        ),
        (
            {"other_field": ["Rating Now", ""]},
            "other_fields",
            "&quot;Rating Now&quot; is not a Salesforce field name",
        ),
    ],
)
def test_it_shows_errors_beside_their_setting_and_saves_nothing(team, offline, change, key, message):
    response = team.client_for("owner").post(_url(offline, "new", kind="lead"), _lead_upsert(**change))

    page = response.content.decode()
    assert response.status_code == 400
    errors = re.search(rf'<ul class="errorlist[^"]*" id="errors-{key}">(.*?)</ul>', page, re.S)
    assert errors and message in errors.group(1)
    assert "Nothing was saved" in page
    assert not Action.objects.exists()


def test_it_changes_nothing_on_a_bad_edit(team, offline):
    client = team.client_for("owner")
    client.post(_url(offline, "new", kind="lead"), _lead_upsert())
    action = Action.objects.get()

    response = client.post(
        _url(offline, "edit", action_id=action.pk), _lead_upsert(name="New", operation="sideways")
    )

    assert response.status_code == 400
    action.refresh_from_db()
    assert (action.name, action.operation) == ("Leads", "upsert")


def test_it_keeps_outsiders_out_of_the_editor(team, offline):
    action = Action.objects.create(destination=offline, kind="lead", name="Leads", operation="create")
    client = team.client_for("outsider")

    assert client.get(_url(offline, "new", kind="lead")).status_code == 404
    assert client.get(_url(offline, "edit", action_id=action.pk)).status_code == 404
    assert client.post(_url(offline, "new", kind="lead"), _lead_upsert()).status_code == 404
    assert (
        client.post(_url(offline, "edit", action_id=action.pk), _lead_upsert(name="Theirs")).status_code
        == 404
    )
    assert Action.objects.get().name == "Leads"


def test_it_requires_csrf_to_save(team, offline):
    response = team.client_for("owner", enforce_csrf=True).post(
        _url(offline, "new", kind="lead"), _lead_upsert()
    )

    assert response.status_code == 403
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("operation", "shown", "hidden"),
    [
        ("create", ["fields", "other-fields"], ["matchers", "bulk"]),
        ("update", ["fields", "matchers", "bulk"], []),
        ("delete", ["matchers"], ["fields", "other-fields", "bulk"]),
    ],
)
def test_it_shows_the_settings_of_the_operation(team, offline, operation, shown, hidden):
    page = (
        team.client_for("owner")
        .post(_url(offline, "new", kind="lead"), _lead_upsert(operation=operation, _refresh="1"))
        .content.decode()
    )

    for section in shown:
        assert not _hidden(page, section)
    for section in hidden:
        assert _hidden(page, section)


def test_it_shows_bulk_settings_for_the_operation(team, offline):
    client = team.client_for("owner")

    upsert = client.post(
        _url(offline, "new", kind="lead"), _lead_upsert(use_bulk="on", _refresh="1")
    ).content.decode()
    update = client.post(
        _url(offline, "new", kind="lead"), _lead_upsert(operation="update", use_bulk="on", _refresh="1")
    ).content.decode()

    assert re.search(
        r'<div class="field" data-shown-for="[^"]*">\s*<span class="label">Bulk Upsert External Id', upsert
    )
    assert re.search(
        r'<div class="field" data-shown-for="[^"]*" hidden>\s*<label for="id_bulk_record_id"', upsert
    )
    assert re.search(r'<div class="field" data-shown-for="[^"]*">\s*<label for="id_bulk_record_id"', update)


def test_it_renders_only_the_pickers_for_htmx_so_no_input_is_replaced(team, destination):
    response = team.client_for("owner").post(
        _url(destination, "new", kind="custom_object"),
        _lead_upsert(sobject="Subscription__c", operation="create", _refresh="1"),
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="org-pickers">')
    assert any(name.endswith("__c") for name in _datalist(body, "sf-writable-create"))
    assert "<input" not in body and "<html" not in body
    assert not Action.objects.exists()


def test_it_keeps_working_without_the_org_and_says_so(team, offline):
    page = team.client_for("owner").get(_url(offline, "new", kind="lead")).content.decode()

    assert "not connected" in page
    assert "type Salesforce API names" in page
    assert _datalist(page, "sf-writable-create") == set()


def test_it_offers_a_reconnect_button_when_the_destination_needs_it(team, offline):
    offline.state = ConnectionState.NEEDS_RECONNECT
    offline.save()

    page = team.client_for("owner").get(_url(offline, "new", kind="lead")).content.decode()

    assert "needs reconnecting" in page
    connect = reverse(
        "destinations:connect", kwargs={"workspace_id": offline.workspace_id, "destination_id": offline.pk}
    )
    assert f'action="{connect}"' in page and ">Reconnect</button>" in page


class TestPickersFromTheOrg:
    def test_create_offers_createable_fields(self, team, destination):
        page = (
            team.client_for("owner")
            .post(_url(destination, "new", kind="lead"), _lead_upsert(operation="create", _refresh="1"))
            .content.decode()
        )

        writable = _datalist(page, "sf-writable-create")
        assert {"LastName", "Company", "Email"} <= writable
        assert "Name" not in writable  # computed, not createable
        assert "IsConverted" in writable  # createable, not updateable

    def test_update_offers_updateable_fields(self, team, destination):
        page = (
            team.client_for("owner")
            .post(_url(destination, "new", kind="lead"), _lead_upsert(operation="update", _refresh="1"))
            .content.decode()
        )

        writable = _datalist(page, "sf-writable-update")
        assert {"LastName", "Company", "Email"} <= writable
        assert "IsConverted" not in writable
        assert 'list="sf-writable-update"' in page

    def test_matchers_offer_only_filterable_fields_and_say_why(self, team, destination):
        page = team.client_for("owner").get(_url(destination, "new", kind="lead")).content.decode()

        filterable = _datalist(page, "sf-filterable")
        assert {"Email", "Id", "LastName"} <= filterable
        assert "Description" not in filterable
        assert "long text areas and similar cannot be queried" in page

    def test_bulk_upsert_offers_the_external_id_fields(self, team, destination):
        page = (
            team.client_for("owner")
            .post(
                _url(destination, "new", kind="custom_object"),
                _lead_upsert(sobject="Subscription__c", use_bulk="on", _refresh="1"),
            )
            .content.decode()
        )

        external = _datalist(page, "sf-external")
        assert external and all(name.endswith("__c") for name in external)

    def test_custom_object_offers_the_orgs_objects(self, team, destination):
        page = (
            team.client_for("owner")
            .post(
                _url(destination, "new", kind="custom_object"),
                _lead_upsert(sobject="Subscription__c", operation="create", _refresh="1"),
            )
            .content.decode()
        )

        assert "Subscription__c" in _datalist(page, "sf-objects")
        assert any(name.endswith("__c") for name in _datalist(page, "sf-writable-create"))

    def test_it_refuses_a_matcher_salesforce_cannot_filter_on(self, team, destination):
        response = team.client_for("owner").post(
            _url(destination, "new", kind="lead"), _lead_upsert(matcher_field=["Description"])
        )

        assert response.status_code == 400
        assert "Description cannot be a record matcher" in response.content.decode()
        assert not Action.objects.exists()


class TestOrgChecksOnSave:
    def test_it_refuses_a_field_the_operation_cannot_write(self, team, destination):
        response = team.client_for("owner").post(
            _url(destination, "new", kind="lead"),
            _lead_upsert(operation="update", other_field=["IsConverted"], other_value=["$.traits.converted"]),
        )

        assert response.status_code == 400
        assert "IsConverted cannot be written when you update a Lead" in response.content.decode()
        assert not Action.objects.exists()

    def test_it_refuses_an_object_the_org_does_not_have(self, team, destination):
        response = team.client_for("owner").post(
            _url(destination, "new", kind="custom_object"),
            _lead_upsert(sobject="Nothing__c", operation="create", other_field=["X__c"], other_value=["1"]),
        )

        page = response.content.decode()
        assert response.status_code == 400
        assert re.search(r'id="errors-sobject">\s*<li>The org has no object named', page)
        assert not Action.objects.exists()


def test_it_requires_csrf_to_save_changes(team, offline):
    action = Action.objects.create(destination=offline, kind="lead", name="Leads", operation="create")

    response = team.client_for("member", enforce_csrf=True).post(
        _url(offline, "edit", action_id=action.pk), _lead_upsert(name="Forged")
    )

    assert response.status_code == 403
    assert Action.objects.get().name == "Leads"


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_opens_a_saved_action_for_members(team, offline, who):
    action = Action.objects.create(destination=offline, kind="account", name="Accounts", operation="create")

    page = team.client_for(who).get(_url(offline, "edit", action_id=action.pk)).content.decode()

    assert "Accounts" in page and "Save action" in page
