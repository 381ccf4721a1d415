"""The Actions tab: the destination's actions, their switches, last-day counts and the coverage banner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery
from destinations.models import Destination
from sources.models import Event
from tests.dashboard.action_pages import action_url as _url
from tests.dashboard.action_pages import part_of


def _action(destination, **values):
    defaults = {"kind": "lead", "name": "Leads", "trigger": 'type = "identify"', "operation": "upsert"}
    return Action.objects.create(destination=destination, **{**defaults, **values})


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_lists_actions_with_kind_trigger_and_operation(team, target, who):
    _action(target)

    page = team.client_for(who).get(_url(target)).content.decode()

    assert "Leads" in page and "Lead" in page
    assert "type = &quot;identify&quot;" in page
    assert "Upsert" in page
    assert 'aria-current="page">Actions</a>' in page


def test_it_hides_the_tab_from_outsiders(team, target):
    action = _action(target)
    client = team.client_for("outsider")

    assert client.get(_url(target)).status_code == 404
    assert client.post(_url(target, "toggle", action_id=action.pk), {"enabled": "off"}).status_code == 404
    assert client.post(_url(target, "delete", action_id=action.pk)).status_code == 404
    assert Action.objects.get(pk=action.pk).enabled


def test_it_appears_as_a_tab_on_the_destination_page(team, target):
    detail = reverse(
        "destinations:detail", kwargs={"workspace_id": target.workspace_id, "destination_id": target.pk}
    )

    page = team.client_for("member").get(detail).content.decode()

    assert f'href="{_url(target)}"' in page


def test_it_says_what_to_do_without_actions(team, target):
    page = team.client_for("owner").get(_url(target)).content.decode()

    assert "No actions yet" in page
    for kind in ("Lead", "Contact", "Account", "Case", "Opportunity", "Custom Object"):
        assert kind in page
    assert _url(target, "new", kind="lead") in page


def test_it_warns_when_no_enabled_action_takes_identify_or_group(team, target):
    _action(target, enabled=False)
    _action(target, name="Orders", kind="opportunity", trigger='type = "track"', operation="create")

    page = team.client_for("owner").get(_url(target)).content.decode()

    assert "No enabled action takes <strong>identify</strong>" in page
    assert "No enabled action takes <strong>group</strong>" in page


def test_it_drops_the_warning_for_types_an_action_takes(team, target):
    _action(target)

    page = team.client_for("owner").get(_url(target)).content.decode()

    assert "<strong>identify</strong>" not in page
    assert "<strong>group</strong>" in page


def test_it_counts_the_last_day_per_status(team, target, source):
    action = _action(target)
    now = timezone.now()
    for n, status in enumerate(["delivered", "delivered", "failed", "delivered"]):
        event = Event.objects.create(
            source=source.source,
            message_id=f"m{n}",
            type="identify",
            timestamp=now,
            received_at=now,
            payload={},
        )
        Delivery.objects.create(action=action, destination=target, event=event, status=status, due_at=now)
    Delivery.objects.filter(event__message_id="m3").update(created_at=now - timedelta(hours=25))

    page = team.client_for("owner").get(_url(target)).content.decode()

    assert "2 delivered" in page
    assert "1 failed" in page


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_switches_an_action_off_and_on_with_htmx(team, target, who):
    action = _action(target)
    client = team.client_for(who)

    off = client.post(_url(target, "toggle", action_id=action.pk), {"enabled": "off"}, HTTP_HX_REQUEST="true")

    body = off.content.decode()
    assert off.status_code == 200
    assert body.lstrip().startswith(f'<tr id="action-{action.pk}"')
    assert "<html" not in body
    assert 'aria-checked="false"' in body
    assert '<div id="coverage" hx-swap-oob="true">' in body
    assert "No enabled action takes <strong>identify</strong>" in body
    assert not Action.objects.get(pk=action.pk).enabled
    client.post(_url(target, "toggle", action_id=action.pk), {"enabled": "on"})
    assert Action.objects.get(pk=action.pk).enabled


def test_it_switches_without_javascript_back_to_the_tab(team, target):
    action = _action(target)

    response = team.client_for("owner").post(_url(target, "toggle", action_id=action.pk), {"enabled": "off"})

    assert response["Location"] == _url(target)


def test_it_refuses_an_unclear_switch(team, target):
    action = _action(target)

    response = team.client_for("owner").post(
        _url(target, "toggle", action_id=action.pk), {"enabled": "maybe"}
    )

    assert response.status_code == 400
    assert Action.objects.get(pk=action.pk).enabled


def test_it_requires_csrf_on_the_switch_and_delete(team, target):
    action = _action(target)
    client = team.client_for("owner", enforce_csrf=True)

    assert client.post(_url(target, "toggle", action_id=action.pk), {"enabled": "off"}).status_code == 403
    assert client.post(_url(target, "delete", action_id=action.pk)).status_code == 403
    assert Action.objects.get(pk=action.pk).enabled


def test_it_deletes_an_action_by_archiving_it(team, target):
    action = _action(target)

    team.client_for("member").post(_url(target, "delete", action_id=action.pk))

    assert Action.objects.get(pk=action.pk).archived_at is not None
    assert not Action.live.filter(pk=action.pk).exists()


def test_it_refuses_an_action_of_another_destination(team, target):
    other = Destination.objects.create(workspace=team.workspace, name="Other")
    action = _action(other)

    response = team.client_for("owner").post(_url(target, "toggle", action_id=action.pk), {"enabled": "off"})

    assert response.status_code == 404
    assert Action.objects.get(pk=action.pk).enabled


def test_it_says_when_the_destination_needs_reconnecting(team, target):
    target.state = "needs_reconnect"
    target.state_reason = "The refresh token was revoked."
    target.save()

    page = team.client_for("member").get(_url(target)).content.decode()

    assert "needs reconnecting" in page and "The refresh token was revoked." in page
    assert "Deliveries are held, not lost" in page
    connect = reverse(
        "destinations:connect", kwargs={"workspace_id": target.workspace_id, "destination_id": target.pk}
    )
    assert f'action="{connect}"' in page


def test_it_says_when_the_destination_is_disabled(team, target):
    target.enabled = False
    target.save()

    page = team.client_for("member").get(_url(target)).content.decode()

    assert "This destination is disabled" in page


def test_it_names_the_switched_off_action_that_would_take_a_type(team, target):
    _action(target, name="Account", kind="account", trigger='type = "group"', enabled=False)
    _action(target)

    page = team.client_for("owner").get(_url(target)).content.decode()

    banner = part_of(page, r'<div id="coverage">(.*?)</div>')
    assert "your Account action is off" in " ".join(banner.split())
    assert "Add an Account action" not in banner


def test_it_names_the_action_switched_off_in_the_banner_that_comes_back(team, target):
    account = _action(target, name="Account", kind="account", trigger='type = "group"')

    response = team.client_for("owner").post(
        _url(target, "toggle", action_id=account.pk), {"enabled": "off"}, HTTP_HX_REQUEST="true"
    )

    banner = part_of(response.content.decode(), r'<div id="coverage" hx-swap-oob="true">(.*?)</div>')
    assert "your Account action is off" in " ".join(banner.split())
