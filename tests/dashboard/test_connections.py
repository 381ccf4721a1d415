"""The Connections page: the workspace's sources and destinations, where the dashboard starts."""

import pytest
from django.urls import reverse

from destinations.models import Destination
from sources.provisioning import create_source


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
