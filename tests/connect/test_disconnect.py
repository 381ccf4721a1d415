from django.urls import reverse

from deliveries.models import Status
from destinations.models import ConnectionState
from destinations.salesforce import oauth

from .conftest import connect


def _disconnect(client, destination):
    url = reverse(
        "destinations:disconnect",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return client.post(url)


def _connected(team, destination):
    client = team.client_for("member")
    connect(client, destination)
    destination.refresh_from_db()
    return client


def test_it_revokes_the_token_at_salesforce_on_disconnect(team, destination, emulator):
    client = _connected(team, destination)
    refresh_token = destination.refresh_token

    _disconnect(client, destination)

    revokes = [r for r in emulator.org("production").requests() if r.path == oauth.REVOKE_PATH]
    assert [r.status for r in revokes] == [200]
    try:
        oauth.refresh(oauth.OAuthApp.from_settings(), emulator.urls["production_instance"], refresh_token)
    except oauth.OAuthError as refused:
        assert refused.grant_is_dead
    else:
        raise AssertionError("the refresh token still works after disconnecting")


def test_it_deletes_the_credentials_on_disconnect(team, destination, emulator):
    client = _connected(team, destination)

    _disconnect(client, destination)

    destination.refresh_from_db()
    assert destination.state == ConnectionState.NOT_CONNECTED
    assert destination.access_token_encrypted == ""
    assert destination.refresh_token_encrypted == ""
    assert destination.instance_url == ""


def test_it_holds_deliveries_on_disconnect(team, destination, emulator, waiting_delivery):
    client = _connected(team, destination)

    _disconnect(client, destination)

    waiting_delivery.refresh_from_db()
    assert waiting_delivery.status == Status.HELD


def test_it_disconnects_even_when_salesforce_cannot_be_reached(team, destination, emulator):
    client = _connected(team, destination)
    emulator.org("production").faults.add("drop_connection", path="/services/oauth2/revoke")

    response = _disconnect(client, destination)

    destination.refresh_from_db()
    assert destination.state == ConnectionState.NOT_CONNECTED
    assert destination.refresh_token_encrypted == ""
    assert "could not confirm" in client.get(response["Location"]).content.decode()


def test_it_remembers_the_previous_org_after_disconnecting(team, destination, emulator):
    client = _connected(team, destination)

    _disconnect(client, destination)

    destination.refresh_from_db()
    assert destination.org_id == emulator.org("production").org_id
    assert "Previously connected" in client.get(response_url(destination)).content.decode()


def response_url(destination):
    return reverse(
        "destinations:detail",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
