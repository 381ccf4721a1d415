"""Who may see and use the destination pages: members yes, outsiders 404, forms need CSRF."""

import pytest
from django.urls import reverse

from destinations.models import Destination
from workspaces.models import Membership

from .conftest import connect
from .salesforce_login import press


def _url(name, destination, **extra):
    kwargs = {"workspace_id": destination.workspace_id}
    if name not in ("list", "create"):
        kwargs["destination_id"] = destination.pk
    return reverse(f"destinations:{name}", kwargs={**kwargs, **extra})


PAGES = ["list", "detail"]
FORMS = [
    ("create", {"name": "Another"}),
    ("settings", {"name": "Renamed"}),
    ("connect", {}),
    ("disconnect", {}),
    ("refresh-metadata", {}),
]


@pytest.mark.parametrize("who", ["owner", "member"])
@pytest.mark.parametrize("page", PAGES)
def test_it_shows_destination_pages_to_members(team, destination, emulator, who, page):
    response = team.client_for(who).get(_url(page, destination))

    assert response.status_code == 200
    assert b"Salesforce" in response.content


@pytest.mark.parametrize("page", PAGES)
def test_it_hides_destination_pages_from_outsiders(team, destination, emulator, page):
    assert team.client_for("outsider").get(_url(page, destination)).status_code == 404


@pytest.mark.parametrize(("name", "data"), FORMS)
def test_it_keeps_outsiders_from_every_form(team, destination, emulator, name, data):
    response = team.client_for("outsider").post(_url(name, destination), data)

    assert response.status_code == 404
    assert Destination.objects.get(pk=destination.pk).name == "Salesforce"
    assert Destination.objects.count() == 1


@pytest.mark.parametrize(("name", "data"), FORMS)
def test_it_requires_the_csrf_token_on_every_form(team, destination, emulator, name, data):
    response = team.client_for("owner", enforce_csrf=True).post(_url(name, destination), data)

    assert response.status_code == 403
    assert Destination.objects.get(pk=destination.pk).name == "Salesforce"


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_lets_members_start_connecting(team, destination, emulator, who):
    response = team.client_for(who).post(_url("connect", destination))

    assert response.status_code == 302
    assert response["Location"].startswith(emulator.urls["production_login"])


def test_it_sends_anonymous_visitors_to_sign_in(team, destination, client):
    response = client.get(_url("list", destination))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_sends_anonymous_callbacks_to_sign_in(client):
    response = client.get("/oauth/salesforce/callback/?code=x&state=y")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_a_destination_of_another_workspace_in_the_url(team, destination, emulator):
    from workspaces.models import Workspace

    theirs = Destination.objects.create(workspace=Workspace.objects.get(name="Elsewhere"), name="Theirs")
    url = reverse(
        "destinations:detail", kwargs={"workspace_id": team.workspace.pk, "destination_id": theirs.pk}
    )

    assert team.client_for("owner").get(url).status_code == 404


def test_it_hides_the_confirmation_page_from_outsiders(team, destination, emulator):
    url = _url("confirm-org", destination, confirmation_id="abc")

    assert team.client_for("outsider").get(url).status_code == 404
    assert team.client_for("outsider").post(url).status_code == 404
    assert team.client_for("outsider").post(url + "cancel/").status_code == 404


@pytest.mark.parametrize("action", ["", "cancel/"])
def test_it_requires_the_csrf_token_on_the_confirmation_forms(team, destination, emulator, action):
    url = _url("confirm-org", destination, confirmation_id="abc") + action

    assert team.client_for("owner", enforce_csrf=True).post(url).status_code == 403


def test_it_refuses_a_callback_for_a_workspace_the_user_has_left(team, destination, emulator):
    client = team.client_for("member")
    started = client.post(_url("connect", destination))
    Membership.objects.filter(user=team.member, workspace=team.workspace).delete()
    consent = press(started["Location"])

    response = client.get(consent.callback_path)

    assert response.status_code == 404
    destination.refresh_from_db()
    assert destination.state == "not_connected"


def test_it_creates_a_destination_with_sources_of_its_workspace(team, source, emulator):
    response = team.client_for("member").post(
        reverse("destinations:create", kwargs={"workspace_id": team.workspace.pk}),
        {"name": "Prod", "sources": [source.source.pk], "is_sandbox": "on"},
    )

    created = Destination.objects.get(name="Prod")
    assert response.status_code == 302
    assert created.workspace == team.workspace
    assert created.is_sandbox
    assert list(created.sources.all()) == [source.source]


def test_it_refuses_a_source_of_another_workspace(team, emulator):
    from sources.provisioning import create_source
    from workspaces.models import Workspace

    foreign, _ = create_source(Workspace.objects.get(name="Elsewhere"), "theirs")

    response = team.client_for("member").post(
        reverse("destinations:create", kwargs={"workspace_id": team.workspace.pk}),
        {"name": "Prod", "sources": [foreign.pk]},
    )

    assert response.status_code == 400
    assert not Destination.objects.filter(name="Prod").exists()


def test_it_refuses_a_duplicate_destination_name(team, destination, emulator):
    response = team.client_for("member").post(_url("create", destination), {"name": "Salesforce"})

    assert response.status_code == 400
    assert b"already has a destination" in response.content


@pytest.mark.parametrize(
    "login_url",
    ["https://evil.example/x.salesforce.com", "http://acme.my.salesforce.com", "https://example.com"],
)
def test_it_refuses_a_login_url_outside_salesforce(team, destination, emulator, login_url):
    response = team.client_for("member").post(
        _url("settings", destination), {"name": "Salesforce", "login_url": login_url}
    )

    assert response.status_code == 400
    destination.refresh_from_db()
    assert destination.login_url == ""


def test_it_keeps_a_my_domain_login_url_as_its_origin(team, destination, emulator):
    team.client_for("member").post(
        _url("settings", destination), {"name": "Salesforce", "login_url": "https://Acme.my.salesforce.com/"}
    )

    destination.refresh_from_db()
    assert destination.login_url == "https://acme.my.salesforce.com"


def test_it_links_destinations_from_the_navigation(team, destination, emulator):
    page = team.client_for("member").get(_url("detail", destination)).content.decode()

    assert f'href="{_url("list", destination)}">Destinations</a>' in page


def test_it_labels_the_demo_org_on_every_page_showing_the_destination(team, destination, emulator, settings):
    settings.SALESFORCE_DEMO = True
    client = team.client_for("member")
    connect(client, destination)

    for page in ("list", "detail"):
        assert "Demo org" in client.get(_url(page, destination)).content.decode()


def test_it_explains_when_salesforce_is_not_configured(team, destination, settings):
    settings.SALESFORCE_CLIENT_ID = ""
    client = team.client_for("member")

    response = client.post(_url("connect", destination), follow=True)

    assert "SALESFORCE_CLIENT_ID" in response.content.decode()
