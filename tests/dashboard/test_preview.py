"""Preview: the editor's contents applied to one event, with the requests it would make, nothing sent."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery
from deliveries.preview import preview
from destinations.models import Destination
from sources.models import Event
from sources.provisioning import create_source
from tests.engine import conftest as engine

sf = engine.sf
destination = engine.destination

ADA = {
    "type": "identify",
    "userId": "u1",
    "traits": {"email": "ada@example.com", "last_name": "Lovelace", "company": "Acme"},
}


def _url(destination, name, **kwargs):
    return reverse(
        f"actions:{name}",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk, **kwargs},
    )


def _stored(source, payload, n=1):
    now = timezone.now()
    return Event.objects.create(
        source=source,
        message_id=f"m{n}",
        type=payload["type"],
        user_id=payload.get("userId", ""),
        timestamp=now,
        received_at=now,
        payload=payload,
    )


def _editor(**extra):
    post = {
        "kind": "lead",
        "name": "Leads",
        "trigger": 'type = "identify"',
        "operation": "upsert",
        "matcher_field": ["Email"],
        "matcher_value": ["$.traits.email"],
        "matcher_operator": "OR",
        "field__LastName": "$.traits.last_name",
        "field__Company": "$.traits.company",
        "field__Email": "$.traits.email",
        "other_field": ["Rating"],
        "other_value": ["Hot"],
        "batch_size": "1000",
    }
    post.update(extra)
    return post


@pytest.fixture
def offline(team, source):
    target = Destination.objects.create(workspace=team.workspace, name="Offline")
    target.sources.add(source.source)
    return target


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_previews_a_picked_event_without_sending(team, source, destination, sf, who):
    event = _stored(source.source, ADA)
    sf.reset_calls()

    response = team.client_for(who).post(
        _url(destination, "preview"), _editor(event_id=str(event.pk)), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "The trigger takes this event." in body
    assert "The settings are valid." in body
    assert "SELECT Id, Email FROM Lead WHERE Email = &#x27;ada@example.com&#x27;" in body
    assert "If no record matches" in body and "If one record matches" in body
    assert "POST</span> <code>/services/data/" in body and "composite/sobjects" in body
    assert "&quot;Rating&quot;: &quot;Hot&quot;" in body
    assert sf.data_requests() == []
    assert not Delivery.objects.exists()


def test_it_previews_a_pasted_event_and_says_why_the_trigger_does_not_take_it(team, offline):
    pasted = json.dumps(
        {"type": "track", "event": "Order Completed", "properties": {"email": "x@example.com"}}
    )

    body = (
        team.client_for("owner")
        .post(_url(offline, "preview"), _editor(event_json=pasted), HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "The trigger does not take this event." in body
    assert "type is &quot;track&quot;" in body
    assert "Pasted events are only previewed" in body


def test_it_previews_unsaved_edits_of_a_saved_action(team, offline, source):
    action = Action.objects.create(
        destination=offline, kind="lead", name="Leads", trigger='type = "track"', operation="create"
    )
    event = _stored(source.source, ADA)

    body = (
        team.client_for("owner")
        .post(
            _url(offline, "preview"),
            _editor(action_id=str(action.pk), event_id=str(event.pk)),
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert "The trigger takes this event." in body
    assert _url(offline, "send-test", action_id=action.pk) + f"?event_id={event.pk}" in body
    action.refresh_from_db()
    assert action.trigger == 'type = "track"'


def test_it_shows_validation_errors_and_refusals(team, offline):
    body = (
        team.client_for("owner")
        .post(
            _url(offline, "preview"),
            _editor(
                operation="create",
                field__LastName="",
                event_json=json.dumps({"type": "identify", "traits": {}}),
            ),
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert "REQUIRED_FIELD_MISSING" in body


def test_it_explains_bad_pasted_json(team, offline):
    body = (
        team.client_for("owner")
        .post(_url(offline, "preview"), _editor(event_json="{nope"), HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "not valid JSON" in body


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("[" * 100_000, "The pasted event cannot be used. It is nested deeper than 64 levels."),
        ('{"a": ' * 100 + "1" + "}" * 100, "nested deeper than 64 levels"),
        ('{"type": "identify", "traits": {"n": 1e999}}', "holds the number 1e999, which is not finite"),
    ],
)
def test_it_explains_a_pasted_event_too_deep_or_not_finite(team, offline, pasted, message):
    response = team.client_for("owner").post(
        _url(offline, "preview"), _editor(event_json=pasted), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_shows_the_budget_error_of_a_mapping_that_would_build_too_much(team, offline):
    blowup = {"@replace": {"value": {"@path": "$.traits.company"}, "pattern": "a", "replacement": "a" * 100}}
    nested = {"@replace": {"value": blowup, "pattern": "a", "replacement": "a" * 100}}
    event = {"type": "identify", "userId": "u", "traits": {"company": "a" * 1000, "last_name": "L"}}

    response = team.client_for("owner").post(
        _url(offline, "preview"),
        _editor(field__Company=json.dumps(nested), event_json=json.dumps(event)),
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "MAPPING_TOO_LARGE" in body
    assert "@replace would build 10,000,000 characters" in body
    assert len(body) < 200_000


def test_it_refuses_an_event_of_another_source(team, offline):
    elsewhere, _ = create_source(team.workspace, "elsewhere")
    event = _stored(elsewhere, ADA)

    body = (
        team.client_for("owner")
        .post(_url(offline, "preview"), _editor(event_id=str(event.pk)), HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "not one of this destination" in body
    assert "Lovelace" not in body


def test_it_renders_the_whole_editor_without_javascript(team, offline):
    response = team.client_for("owner").post(_url(offline, "preview"), _editor(event_json=json.dumps(ADA)))

    body = response.content.decode()
    assert "<html" in body
    assert f'<form id="action-form" method="post" action="{_url(offline, "new", kind="lead")}"' in body
    assert "The trigger takes this event." in body
    assert not Action.objects.exists()


def test_it_keeps_outsiders_and_forged_posts_out(team, offline):
    assert (
        team.client_for("outsider").post(_url(offline, "preview"), _editor(event_json="{}")).status_code
        == 404
    )
    assert (
        team.client_for("owner", enforce_csrf=True).post(_url(offline, "preview"), _editor()).status_code
        == 403
    )


def test_it_pages_the_event_picker(team, offline, source):
    for n in range(12):
        _stored(source.source, {"type": "identify", "userId": f"user-{n:02}"}, n)

    client = team.client_for("member")
    first = client.get(_url(offline, "events"), HTTP_HX_REQUEST="true").content.decode()
    second = client.get(_url(offline, "events"), {"page": 2}, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in first
    assert "user-11" in first and "user-00" not in first
    assert "user-00" in second and "Page 2 of 2" in second
    assert team.client_for("outsider").get(_url(offline, "events")).status_code == 404


class TestPreviewModule:
    def test_it_plans_an_external_id_upsert_without_a_lookup(self):
        action = Action(
            kind="custom_object",
            sobject="Subscription__c",
            name="Subs",
            trigger='type = "identify"',
            operation="upsert",
            record_matchers=[{"field": "External_Id__c", "mapping": {"@path": "$.userId"}}],
            other_fields=[{"field": "Plan__c", "mapping": "gold"}],
        )
        fields = {
            "External_Id__c": {
                "name": "External_Id__c",
                "type": "string",
                "externalId": True,
                "filterable": True,
                "createable": True,
                "updateable": True,
                "nillable": True,
            },
            "Plan__c": {
                "name": "Plan__c",
                "type": "string",
                "filterable": True,
                "createable": True,
                "updateable": True,
                "nillable": True,
            },
        }

        result = preview(action, {"type": "identify", "userId": "u-9"}, fields, "62.0")

        [branch] = result.branches
        [request] = branch.requests
        assert request.method == "PATCH"
        assert request.path == "/services/data/v62.0/composite/sobjects/Subscription__c/External_Id__c"
        assert request.body["records"][0]["External_Id__c"] == "u-9"

    def test_it_deletes_by_id_in_one_call(self):
        action = Action(
            kind="lead",
            name="Gone",
            trigger='type = "identify"',
            operation="delete",
            record_matchers=[{"field": "Id", "mapping": {"@path": "$.traits.sfid"}}],
        )

        result = preview(action, {"type": "identify", "traits": {"sfid": "00Q000000000001EAA"}}, None, "62.0")

        [request] = result.branches[0].requests
        assert (request.method, request.params["ids"]) == ("DELETE", "00Q000000000001EAA")
