"""Reconnecting: settings that change where the org logs in, and switching to another org."""

from django.urls import reverse

from deliveries.models import Status
from destinations import pending
from destinations.models import ConnectionState
from destinations.salesforce import oauth

from .conftest import connect


def _url(name, destination, **extra):
    kwargs = {"workspace_id": destination.workspace_id, "destination_id": destination.pk, **extra}
    return reverse(f"destinations:{name}", kwargs=kwargs)


def _settings(destination, **changes):
    data = {
        "name": destination.name,
        "is_sandbox": "on" if destination.is_sandbox else "",
        "login_url": destination.login_url,
        **changes,
    }
    return {k: v for k, v in data.items() if v != ""}


def _connected(team, destination):
    client = team.client_for("member")
    connect(client, destination)
    destination.refresh_from_db()
    return client


def test_it_asks_to_reconnect_when_is_sandbox_is_turned_on(team, destination, emulator):
    client = _connected(team, destination)

    client.post(_url("settings", destination), _settings(destination, is_sandbox="on"))

    destination.refresh_from_db()
    assert destination.state == ConnectionState.NEEDS_RECONNECT
    assert "sandbox user name" in destination.state_reason


def test_it_holds_deliveries_when_a_setting_asks_to_reconnect(team, destination, emulator, waiting_delivery):
    client = _connected(team, destination)

    client.post(_url("settings", destination), _settings(destination, is_sandbox="on"))

    waiting_delivery.refresh_from_db()
    assert waiting_delivery.status == Status.HELD


def test_it_asks_to_reconnect_when_the_login_url_changes(team, destination, emulator):
    client = _connected(team, destination)

    client.post(
        _url("settings", destination), _settings(destination, login_url=emulator.urls["production_instance"])
    )

    destination.refresh_from_db()
    assert destination.state == ConnectionState.NEEDS_RECONNECT
    assert "login URL changed" in destination.state_reason


def test_it_keeps_the_connection_when_other_settings_change(team, destination, emulator):
    client = _connected(team, destination)

    client.post(_url("settings", destination), _settings(destination, name="Renamed"))

    destination.refresh_from_db()
    assert destination.name == "Renamed"
    assert destination.state == ConnectionState.CONNECTED


def test_it_shows_the_reason_to_reconnect_as_a_banner(team, destination, emulator):
    client = _connected(team, destination)
    client.post(_url("settings", destination), _settings(destination, is_sandbox="on"))

    page = client.get(_url("detail", destination)).content.decode()

    assert 'class="banner banner-warn" role="alert"' in page
    assert "Is Sandbox was turned on" in page
    assert ">Reconnect<" in page


def test_it_reconnects_to_the_same_org_without_asking(team, destination, emulator):
    client = _connected(team, destination)
    first_token = destination.access_token

    response = connect(client, destination)

    assert response["Location"] == _url("detail", destination)
    destination.refresh_from_db()
    assert destination.access_token != first_token


def test_it_revokes_the_replaced_refresh_token_on_reconnect(team, destination, emulator):
    client = _connected(team, destination)
    replaced = destination.refresh_token

    connect(client, destination)

    app = oauth.OAuthApp.from_settings()
    try:
        oauth.refresh(app, destination.instance_url, replaced)
    except oauth.OAuthError as refused:
        assert refused.grant_is_dead
    else:
        raise AssertionError("the replaced refresh token still works")


def _switch_to_sandbox(team, destination):
    client = _connected(team, destination)
    client.post(_url("settings", destination), _settings(destination, is_sandbox="on"))
    return client, connect(client, destination)


def test_it_asks_for_confirmation_before_switching_to_another_org(team, destination, emulator):
    production_org = destination.org_id or emulator.org("production").org_id

    client, response = _switch_to_sandbox(team, destination)

    assert "/confirm/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Record ids do not carry" in page
    assert emulator.org("sandbox").org_id in page
    destination.refresh_from_db()
    assert destination.org_id == production_org
    assert destination.state == ConnectionState.NEEDS_RECONNECT


def test_it_switches_org_once_confirmed(team, destination, emulator, held_delivery):
    client, response = _switch_to_sandbox(team, destination)

    client.post(response["Location"])

    destination.refresh_from_db()
    assert destination.state == ConnectionState.CONNECTED
    assert destination.org_id == emulator.org("sandbox").org_id
    assert destination.sf_username == "demo@example.com.test"
    held_delivery.refresh_from_db()
    assert held_delivery.status == Status.PENDING


def test_it_confirms_a_switch_only_once(team, destination, emulator):
    client, response = _switch_to_sandbox(team, destination)
    client.post(response["Location"])
    version = type(destination).objects.get(pk=destination.pk).token_version

    client.post(response["Location"])

    assert type(destination).objects.get(pk=destination.pk).token_version == version


def test_it_keeps_the_old_org_and_revokes_the_new_tokens_when_cancelled(team, destination, emulator):
    client, response = _switch_to_sandbox(team, destination)

    client.post(response["Location"] + "cancel/")

    destination.refresh_from_db()
    assert destination.org_id == emulator.org("production").org_id
    revokes = [r for r in emulator.org("sandbox").requests() if r.path == oauth.REVOKE_PATH]
    assert [r.status for r in revokes] == [200]
    assert client.session.get(pending.CONFIRMATIONS_KEY) == {}


def test_it_keeps_tokens_awaiting_confirmation_encrypted_in_the_session(team, destination, emulator):
    client, response = _switch_to_sandbox(team, destination)
    confirmation_id = response["Location"].rstrip("/").split("/")[-1]

    waiting = pending.peek_confirmation(client.session, confirmation_id)

    raw = str(dict(client.session.items()))
    assert waiting is not None
    assert waiting.grant.refresh_token
    assert waiting.grant.access_token not in raw
    assert waiting.grant.refresh_token not in raw
