"""Add New: Salesforce, sources, settings, then Connect and Enable Destination on its page."""

import pytest
from django.urls import reverse

from actions.models import Action
from deliveries.models import Delivery
from destinations.models import Destination
from tests.engine import conftest as engine
from tests.engine.conftest import identify, send

# The emulator org and a destination connected to it, from the engine tests.
sf = engine.sf
destination = engine.destination


def _ws(team, name, **kwargs):
    return reverse(f"destinations:{name}", kwargs={"workspace_id": team.workspace.pk, **kwargs})


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_walks_members_through_add_new(team, source, who):
    client = team.client_for(who)

    directory = client.get(_ws(team, "add")).content.decode()
    form = client.get(_ws(team, "create")).content.decode()
    created = client.post(
        _ws(team, "create"), {"name": "Acme", "sources": [source.source.pk], "is_sandbox": "on"}
    )

    assert "Select Salesforce" in directory and _ws(team, "create") in directory
    assert "website" in form and "Is Sandbox" in form and "My Domain" in form
    new = Destination.objects.get(name="Acme")
    assert created["Location"] == _ws(team, "detail", destination_id=new.pk)
    assert new.is_sandbox and not new.enabled
    assert list(new.sources.all()) == [source.source]


def test_it_creates_a_destination_without_sources(team):
    team.client_for("owner").post(_ws(team, "create"), {"name": "Later"})

    assert Destination.objects.get(name="Later").sources.count() == 0


def test_it_keeps_outsiders_out_of_add_new(team, source):
    client = team.client_for("outsider")

    assert client.get(_ws(team, "add")).status_code == 404
    assert client.get(_ws(team, "create")).status_code == 404
    assert client.post(_ws(team, "create"), {"name": "Theirs"}).status_code == 404
    assert not Destination.objects.exists()


def test_it_shows_errors_on_the_form_and_saves_nothing(team):
    Destination.objects.create(workspace=team.workspace, name="Taken")

    response = team.client_for("owner").post(_ws(team, "create"), {"name": "Taken"})

    assert response.status_code == 400
    assert "already has a destination with this name" in response.content.decode()
    assert Destination.objects.count() == 1


def test_it_requires_csrf_on_create_and_enable(team):
    target = Destination.objects.create(workspace=team.workspace, name="Acme")
    client = team.client_for("owner", enforce_csrf=True)

    assert client.post(_ws(team, "create"), {"name": "X"}).status_code == 403
    assert client.post(_ws(team, "enable", destination_id=target.pk), {"enabled": "on"}).status_code == 403
    target.refresh_from_db()
    assert not target.enabled


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_enables_and_disables_a_destination(team, who):
    target = Destination.objects.create(workspace=team.workspace, name="Acme")
    client = team.client_for(who)
    url = _ws(team, "enable", destination_id=target.pk)

    client.post(url, {"enabled": "on"})
    target.refresh_from_db()
    assert target.enabled
    client.post(url, {"enabled": "off"})
    target.refresh_from_db()
    assert not target.enabled


def test_it_refuses_an_unclear_enable_request(team):
    target = Destination.objects.create(workspace=team.workspace, name="Acme")

    response = team.client_for("owner").post(
        _ws(team, "enable", destination_id=target.pk), {"enabled": "yes"}, follow=True
    )

    assert "enabled (on) or disabled (off)" in response.content.decode()
    target.refresh_from_db()
    assert not target.enabled


def test_it_keeps_outsiders_from_enabling(team):
    target = Destination.objects.create(workspace=team.workspace, name="Acme")

    response = team.client_for("outsider").post(
        _ws(team, "enable", destination_id=target.pk), {"enabled": "on"}
    )

    assert response.status_code == 404
    target.refresh_from_db()
    assert not target.enabled


def test_it_offers_enable_destination_once_connected(team, destination):
    destination.enabled = False
    destination.save()

    page = team.client_for("owner").get(_ws(team, "detail", destination_id=destination.pk)).content.decode()

    assert "Enable Destination" in page


def test_a_disabled_destination_keeps_its_actions_and_receives_nothing(team, source, destination):
    action = Action.objects.create(
        destination=destination, kind="lead", name="Lead", trigger='type = "identify"', operation="create"
    )
    team.client_for("owner").post(_ws(team, "enable", destination_id=destination.pk), {"enabled": "off"})

    send(source, identify("u1", last_name="Doe", company="Acme"))

    assert Action.objects.filter(pk=action.pk, destination=destination).exists()
    assert not Delivery.objects.exists()
    team.client_for("owner").post(_ws(team, "enable", destination_id=destination.pk), {"enabled": "on"})
    send(source, identify("u2", last_name="Roe", company="Acme"))
    assert Delivery.objects.filter(action=action).count() == 1


def test_enabling_before_connecting_says_nothing_is_sent_until_it_is_connected(team):
    target = Destination.objects.create(workspace=team.workspace, name="Acme")
    client = team.client_for("owner")

    response = client.post(_ws(team, "enable", destination_id=target.pk), {"enabled": "on"}, follow=True)

    page = " ".join(response.content.decode().split())
    assert "Acme is enabled, but nothing will be sent to Salesforce until it is connected" in page
    assert "nothing is sent to Salesforce until it is connected" in page
