"""The destination's token source: refresh on demand, once, across threads; dead tokens hold deliveries."""

import threading

import pytest
from django.db import connection

from deliveries.models import Status
from destinations.models import ConnectionState, Destination
from destinations.salesforce import oauth
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.tokens import DestinationTokens

from .conftest import connect


@pytest.fixture
def connected(team, destination, emulator):
    connect(team.client_for("member"), destination)
    destination.refresh_from_db()
    return destination


def _refreshes(emulator, org="production"):
    return [
        r
        for r in emulator.org(org).requests()
        if r.path == oauth.TOKEN_PATH and "grant_type=refresh_token" in r.body
    ]


def test_it_hands_out_the_stored_access_token(connected):
    assert DestinationTokens(connected).access_token() == connected.access_token


def test_it_refuses_a_token_of_a_destination_that_is_not_connected(destination):
    with pytest.raises(SalesforceError) as refused:
        DestinationTokens(destination).access_token()

    assert refused.value.kind is ErrorKind.AUTH


def test_it_refreshes_a_rejected_token_and_stores_the_new_one(connected, emulator):
    tokens = DestinationTokens(connected)
    rejected = tokens.access_token()

    renewed = tokens.refresh(rejected)

    connected.refresh_from_db()
    assert renewed != rejected
    assert connected.access_token == renewed
    assert len(_refreshes(emulator)) == 1


def test_it_uses_a_token_someone_else_refreshed_instead_of_refreshing_again(connected, emulator):
    mine, theirs = DestinationTokens(connected), DestinationTokens(connected)
    rejected = mine.access_token()
    renewed = theirs.refresh(theirs.access_token())

    assert mine.refresh(rejected) == renewed
    assert len(_refreshes(emulator)) == 1


def test_it_compares_tokens_it_did_not_hand_out(connected, emulator):
    renewed = DestinationTokens(connected).refresh("an-old-token-from-elsewhere")

    assert renewed == connected.access_token
    assert _refreshes(emulator) == []


def test_it_keeps_a_rotated_refresh_token(connected, emulator):
    emulator.config.refresh_token_rotation = True
    old_refresh = connected.refresh_token
    tokens = DestinationTokens(connected)

    tokens.refresh(tokens.access_token())

    connected.refresh_from_db()
    assert connected.refresh_token != old_refresh
    app = oauth.OAuthApp.from_settings()
    with pytest.raises(oauth.OAuthError) as refused:
        oauth.refresh(app, connected.instance_url, old_refresh)
    assert refused.value.grant_is_dead


def test_it_keeps_the_refresh_token_when_salesforce_does_not_rotate_it(connected, emulator):
    refresh_token = connected.refresh_token
    tokens = DestinationTokens(connected)

    tokens.refresh(tokens.access_token())

    connected.refresh_from_db()
    assert connected.refresh_token == refresh_token


def test_it_retries_a_refresh_that_salesforce_is_already_processing(connected, emulator, monkeypatch):
    monkeypatch.setattr("destinations.tokens.REFRESH_RETRY_SECONDS", 0.01)
    emulator.org("production").fail_next_refreshes(1)
    tokens = DestinationTokens(connected)

    renewed = tokens.refresh(tokens.access_token())

    assert renewed == Destination.objects.get(pk=connected.pk).access_token
    assert [r.status for r in _refreshes(emulator)] == [400, 200]


def test_it_gives_up_for_now_when_the_refresh_keeps_racing(connected, emulator, monkeypatch):
    monkeypatch.setattr("destinations.tokens.REFRESH_RETRY_SECONDS", 0.01)
    emulator.org("production").fail_next_refreshes(5)
    tokens = DestinationTokens(connected)

    with pytest.raises(SalesforceError) as refused:
        tokens.refresh(tokens.access_token())

    assert refused.value.kind is ErrorKind.TRANSIENT
    connected.refresh_from_db()
    assert connected.state == ConnectionState.CONNECTED


def test_it_marks_needs_reconnect_when_the_refresh_token_is_dead(connected, emulator):
    emulator.org("production").set_user_active(False)
    tokens = DestinationTokens(connected)

    with pytest.raises(SalesforceError) as refused:
        tokens.refresh(tokens.access_token())

    assert refused.value.kind is ErrorKind.AUTH
    connected.refresh_from_db()
    assert connected.state == ConnectionState.NEEDS_RECONNECT
    assert "authentication failure" in connected.state_reason


def test_it_holds_deliveries_when_the_refresh_token_is_dead(connected, emulator, waiting_delivery):
    emulator.org("production").tokens.revoke_all()
    tokens = DestinationTokens(connected)

    with pytest.raises(SalesforceError):
        tokens.refresh(tokens.access_token())

    waiting_delivery.refresh_from_db()
    assert waiting_delivery.status == Status.HELD


def test_it_releases_them_when_reconnected_after_a_dead_refresh_token(
    team, connected, emulator, held_delivery
):
    emulator.org("production").tokens.revoke_all()
    tokens = DestinationTokens(connected)
    with pytest.raises(SalesforceError):
        tokens.refresh(tokens.access_token())

    connect(team.client_for("member"), connected)

    connected.refresh_from_db()
    held_delivery.refresh_from_db()
    assert connected.state == ConnectionState.CONNECTED
    assert held_delivery.status == Status.PENDING
    assert DestinationTokens(connected).access_token() == connected.access_token


def test_it_refuses_tokens_while_the_destination_needs_reconnecting(connected, emulator):
    emulator.org("production").tokens.revoke_all()
    tokens = DestinationTokens(connected)
    with pytest.raises(SalesforceError):
        tokens.refresh(tokens.access_token())

    with pytest.raises(SalesforceError) as refused:
        tokens.access_token()

    assert "Reconnect" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_it_refreshes_once_when_two_threads_hit_a_401_together(connected, emulator):
    # The refresh takes a while, so the second thread arrives while the first one holds the lock.
    emulator.org("production").faults.add("latency", path=oauth.TOKEN_PATH, seconds=0.3)
    rejected = DestinationTokens(connected).access_token()
    start = threading.Barrier(2)
    results: list[str] = []

    def worker():
        try:
            tokens = DestinationTokens(connected.pk)
            tokens.access_token()
            start.wait()
            results.append(tokens.refresh(rejected))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2
    assert results[0] == results[1] != rejected
    assert len(_refreshes(emulator)) == 1
