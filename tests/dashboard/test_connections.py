"""The Connections page: the workspace's sources and destinations, where the dashboard starts."""

import pytest
from django.urls import reverse

from destinations.models import Destination
from sources.provisioning import create_source
from tests.dashboard.holding_support import REASON, destination_holding_two


def _url(team):
    return reverse("workspaces:connections", kwargs={"workspace_id": team.workspace.pk})


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_lists_sources_and_destinations_to_members(team, source, who):
    Destination.objects.create(workspace=team.workspace, name="Acme org")

    page = team.client_for(who).get(_url(team)).content.decode()

    assert "Acme org" in page
    assert source.source.name in page
    assert reverse("destinations:add", kwargs={"workspace_id": team.workspace.pk}) in page


def test_it_hides_the_page_from_outsiders(team):
    assert team.client_for("outsider").get(_url(team)).status_code == 404


def test_it_says_what_to_do_when_empty(team):
    page = team.client_for("owner").get(_url(team)).content.decode()

    assert "No destinations yet" in page
    assert "No sources yet" in page


def test_it_is_where_home_and_the_navigation_lead(team):
    client = team.client_for("member")

    assert client.get("/")["Location"] == _url(team)
    assert f'href="{_url(team)}">Connections</a>' in client.get(_url(team)).content.decode()


def test_it_pages_long_lists(team):
    for n in range(30):
        Destination.objects.create(workspace=team.workspace, name=f"Org {n:02}")
    for n in range(3):
        create_source(team.workspace, f"app {n}")
    client = team.client_for("owner")

    first = client.get(_url(team)).content.decode()
    second = client.get(_url(team), {"destinations": 2}).content.decode()

    assert "Org 00" in first and "Org 29" not in first
    assert "Org 29" in second and "Org 00" not in second
    assert "?destinations=2" in first
    assert "app 2" in second


def test_it_shows_held_deliveries_and_the_destinations_that_need_reconnecting(team, source):
    destination = destination_holding_two(team, source)

    page = team.client_for("member").get(_url(team)).content.decode()

    data_out = reverse(
        "deliveries:data-out", kwargs={"workspace_id": team.workspace.pk, "destination_id": destination.pk}
    )
    assert f'href="{data_out}?status=held">2 deliveries held</a>' in page
    assert "Acme org needs reconnecting." in page and REASON in page
    assert "Needs reconnect" in page


def test_it_says_an_enabled_destination_sends_nothing_until_connected(team):
    Destination.objects.create(workspace=team.workspace, name="Acme org", enabled=True)

    page = team.client_for("member").get(_url(team)).content.decode()

    assert "nothing is sent until it is connected" in page
