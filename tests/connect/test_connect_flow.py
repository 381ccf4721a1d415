"""Connect through Salesforce's consent page and back, against the emulator over loopback."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from destinations.models import ConnectionState
from destinations.salesforce import oauth

from .conftest import connect, start_connect
from .salesforce_login import press


def _detail(destination):
    return reverse(
        "destinations:detail",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )


def _logged(emulator, org, path):
    return [r for r in emulator.org(org).requests() if r.path == path]


def test_it_connects_a_production_org(team, destination, emulator):
    response = connect(team.client_for("member"), destination)

    assert response.status_code == 302
    assert response["Location"] == _detail(destination)
    destination.refresh_from_db()
    org = emulator.org("production")
    assert destination.state == ConnectionState.CONNECTED
    assert destination.org_id == org.org_id
    assert destination.sf_user_id == org.user_id
    assert destination.sf_username == "demo@example.com"
    assert destination.instance_url == emulator.urls["production_instance"]
    assert destination.connected_at is not None
    assert destination.access_token and destination.refresh_token


def test_it_shows_the_connection_on_the_destination_page(team, destination, emulator):
    client = team.client_for("member")
    connect(client, destination)

    page = client.get(_detail(destination)).content.decode()

    destination.refresh_from_db()
    assert "Connected" in page
    assert destination.org_id in page
    assert "demo@example.com" in page
    assert destination.instance_url in page
    assert "Production" in page


def test_it_logs_in_at_the_production_login_host(team, destination, emulator):
    started = start_connect(team.client_for("member"), destination)

    assert started["Location"].startswith(emulator.urls["production_login"] + oauth.AUTHORIZE_PATH + "?")


def test_it_connects_a_sandbox_through_the_sandbox_login_host(team, destination, emulator):
    destination.is_sandbox = True
    destination.save()

    connect(team.client_for("member"), destination)

    destination.refresh_from_db()
    assert destination.org_id == emulator.org("sandbox").org_id
    assert destination.sf_username == "demo@example.com.test"
    assert _logged(emulator, "sandbox", oauth.AUTHORIZE_PATH)
    assert not _logged(emulator, "production", oauth.AUTHORIZE_PATH)


def test_it_leaves_a_sandbox_user_refused_by_the_production_host_unconnected(team, destination, emulator):
    started = start_connect(team.client_for("member"), destination)

    consent = press(started["Location"], username="demo@example.com.test")

    assert consent.response.status_code == 200
    assert "Please check your username and password" in consent.response.text
    destination.refresh_from_db()
    assert destination.state == ConnectionState.NOT_CONNECTED


def test_it_logs_in_at_the_my_domain_when_one_is_set(team, destination, emulator):
    destination.login_url = emulator.urls["production_instance"]
    destination.save()

    connect(team.client_for("member"), destination)

    destination.refresh_from_db()
    assert destination.state == ConnectionState.CONNECTED
    authorize = _logged(emulator, "production", oauth.AUTHORIZE_PATH)
    token = _logged(emulator, "production", oauth.TOKEN_PATH)
    assert {r.host for r in authorize + token} == {"instance"}


def test_it_lets_the_my_domain_win_over_is_sandbox(team, destination, emulator):
    destination.login_url = emulator.urls["production_instance"]
    destination.is_sandbox = True
    destination.save()

    started = start_connect(team.client_for("member"), destination)

    assert started["Location"].startswith(emulator.urls["production_instance"] + oauth.AUTHORIZE_PATH)


def test_it_sends_a_pkce_challenge_and_then_its_verifier(team, destination, emulator):
    connect(team.client_for("member"), destination)

    authorize = _logged(emulator, "production", oauth.AUTHORIZE_PATH)[0]
    query = parse_qs(authorize.query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"][0]
    exchange = _logged(emulator, "production", oauth.TOKEN_PATH)[0]
    assert "code_verifier=***" in exchange.body


def test_it_refuses_a_callback_with_an_unknown_state_with_403(team, destination, emulator):
    client = team.client_for("member")
    start_connect(client, destination)

    response = client.get("/oauth/salesforce/callback/?code=abc&state=forged")

    assert response.status_code == 403
    assert not _logged(emulator, "production", oauth.TOKEN_PATH)


def test_it_refuses_a_callback_without_state_with_403(team, destination, emulator):
    response = team.client_for("member").get("/oauth/salesforce/callback/?code=abc")

    assert response.status_code == 403


def test_it_refuses_a_reused_state_with_403(team, destination, emulator):
    client = team.client_for("member")
    started = start_connect(client, destination)
    consent = press(started["Location"])
    client.get(consent.callback_path)

    replay = client.get(consent.callback_path)

    assert replay.status_code == 403


def test_it_refuses_a_state_from_another_users_session(team, destination, emulator):
    started = start_connect(team.client_for("member"), destination)
    consent = press(started["Location"])

    response = team.client_for("owner").get(consent.callback_path)

    assert response.status_code == 403


def test_it_lets_two_tabs_connect_at_once(team, destination, emulator):
    client = team.client_for("member")
    first = press(start_connect(client, destination)["Location"])
    second = press(start_connect(client, destination)["Location"])

    assert client.get(second.callback_path)["Location"] == _detail(destination)
    assert client.get(first.callback_path)["Location"] == _detail(destination)

    destination.refresh_from_db()
    assert destination.state == ConnectionState.CONNECTED


def test_it_shows_a_friendly_message_when_access_is_denied(team, destination, emulator):
    client = team.client_for("member")

    response = connect(client, destination, action="deny")

    page = client.get(response["Location"]).content.decode()
    assert "Access was denied in Salesforce" in page
    destination.refresh_from_db()
    assert destination.state == ConnectionState.NOT_CONNECTED


def test_it_shows_other_provider_errors_on_the_destination_page(team, destination, emulator):
    client = team.client_for("member")
    started = start_connect(client, destination)
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]

    response = client.get(
        "/oauth/salesforce/callback/",
        {"error": "immediate_unsuccessful", "error_description": "immediate unsuccessful", "state": state},
        follow=True,
    )

    assert "immediate unsuccessful (immediate_unsuccessful)" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"signature": "AAAA"}, "signature"),
        ({"instance_url": None}, "lacks instance_url"),
        ({"instance_url": "https://evil.example/x.salesforce.com"}, "instance URL is refused"),
    ],
)
def test_it_refuses_a_bad_token_answer(team, destination, emulator, monkeypatch, change, shown):
    org = emulator.org("production")
    honest = org.token_response

    def tampered(*args):
        answer = {**honest(*args), **change}
        return {k: v for k, v in answer.items() if v is not None}

    monkeypatch.setattr(org, "token_response", tampered)
    client = team.client_for("member")

    response = connect(client, destination)

    assert shown in client.get(response["Location"]).content.decode()
    destination.refresh_from_db()
    assert destination.state == ConnectionState.NOT_CONNECTED
    assert destination.access_token_encrypted == ""


def test_it_releases_held_deliveries_when_connected(team, destination, emulator, held_delivery):
    connect(team.client_for("member"), destination)

    held_delivery.refresh_from_db()
    assert held_delivery.status == "pending"
