"""No token in the database in clear, in a page, in a log line or in the session."""

import logging

from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from destinations.models import Destination
from destinations.tokens import DestinationTokens

from .conftest import connect


def _connected(team, destination):
    client = team.client_for("member")
    connect(client, destination)
    destination.refresh_from_db()
    return client


def _secrets(destination):
    return [destination.access_token, destination.refresh_token]


def test_it_stores_tokens_encrypted_in_the_raw_columns(team, destination, emulator):
    _connected(team, destination)
    table = Destination._meta.db_table

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [destination.pk.hex])  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())

    assert destination.access_token_encrypted in row
    for secret in _secrets(destination):
        assert secret
        assert secret not in row


def test_it_keeps_tokens_out_of_the_sessions(team, destination, emulator):
    _connected(team, destination)

    stored = " ".join(s.get_decoded().__repr__() + s.session_data for s in Session.objects.all())

    for secret in _secrets(destination):
        assert secret not in stored


def test_it_keeps_the_pkce_verifier_encrypted_in_the_session(team, destination, emulator):
    client = team.client_for("member")
    client.post(
        reverse(
            "destinations:connect",
            kwargs={"workspace_id": team.workspace.pk, "destination_id": destination.pk},
        )
    )

    (entry,) = client.session["salesforce_oauth_states"].values()

    assert set(entry) == {"destination", "workspace", "login_url", "verifier", "at"}
    assert entry["verifier"].startswith("gAAAA")


def test_it_shows_no_token_in_its_pages(team, destination, emulator):
    client = _connected(team, destination)
    pages = [
        reverse("destinations:list", kwargs={"workspace_id": team.workspace.pk}),
        reverse(
            "destinations:detail",
            kwargs={"workspace_id": team.workspace.pk, "destination_id": destination.pk},
        ),
    ]

    text = " ".join(client.get(page).content.decode() for page in pages)

    for secret in _secrets(destination):
        assert secret not in text


def test_it_logs_no_token_while_connecting_refreshing_and_disconnecting(team, destination, emulator, caplog):
    caplog.set_level(logging.DEBUG)
    client = _connected(team, destination)
    secrets = _secrets(destination)
    tokens = DestinationTokens(destination)
    secrets.append(tokens.refresh(tokens.access_token()))
    client.post(
        reverse(
            "destinations:disconnect",
            kwargs={"workspace_id": team.workspace.pk, "destination_id": destination.pk},
        )
    )

    assert caplog.records
    for secret in secrets:
        assert secret not in caplog.text
