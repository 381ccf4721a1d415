"""Describe, limits and refresh-on-401 through the Salesforce client, against the emulator."""

import pytest
from django.urls import reverse

from deliveries.models import Status
from destinations import api_usage
from destinations.models import ConnectionState
from destinations.salesforce import describe
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.tokens import client_for

from .conftest import connect


@pytest.fixture
def connected(team, destination, emulator):
    connect(team.client_for("member"), destination)
    destination.refresh_from_db()
    return destination


def _data_calls(emulator, suffix):
    return [r for r in emulator.org("production").requests() if r.path.endswith(suffix)]


def _detail(destination):
    return reverse(
        "destinations:detail",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )


def test_it_refreshes_a_rejected_token_once_through_the_client(connected, emulator):
    stale = connected.access_token
    emulator.org("production").faults.add("expire_tokens", path="/limits", count=1)

    with client_for(connected) as client:
        client.limits()

    connected.refresh_from_db()
    assert connected.access_token != stale
    assert [r.status for r in _data_calls(emulator, "/limits")][-2:] == [401, 200]
    refreshes = [r for r in emulator.org("production").requests() if "grant_type=refresh_token" in r.body]
    assert len(refreshes) == 1


def test_it_marks_needs_reconnect_and_holds_deliveries_when_the_client_meets_a_dead_token(
    connected, emulator, waiting_delivery
):
    emulator.org("production").faults.add("revoke_tokens", path="/limits", count=1)

    with pytest.raises(SalesforceError) as refused, client_for(connected) as client:
        client.limits()

    assert refused.value.kind is ErrorKind.AUTH
    assert refused.value.error_code == "invalid_grant"
    connected.refresh_from_db()
    waiting_delivery.refresh_from_db()
    assert connected.state == ConnectionState.NEEDS_RECONNECT
    assert waiting_delivery.status == Status.HELD


def test_it_delivers_again_after_reconnecting(team, connected, emulator, waiting_delivery):
    emulator.org("production").faults.add("revoke_tokens", path="/limits", count=1)
    with pytest.raises(SalesforceError), client_for(connected) as client:
        client.limits()

    connect(team.client_for("member"), connected)

    waiting_delivery.refresh_from_db()
    assert waiting_delivery.status == Status.PENDING
    with client_for(connected) as client:
        assert client.limits()["DailyApiRequests"]["Max"] == 15000


def test_it_lists_the_orgs_objects(connected, emulator):
    names = {o["name"] for o in describe.objects(connected)}

    assert {"Account", "Contact", "Lead"} <= names


def test_it_reads_an_objects_fields_by_api_name(connected, emulator):
    found = describe.fields(connected, "contact")

    assert found["LastName"]["type"] == "string"
    assert describe.required_on_create(found["LastName"])


def test_it_calls_describe_once_per_object_per_age_window(connected, emulator):
    for _ in range(3):
        describe.fields(connected, "Contact")
        describe.objects(connected)

    assert len(_data_calls(emulator, "/sobjects")) == 1
    assert len(_data_calls(emulator, "/sobjects/Contact/describe")) == 1


def test_it_forgets_the_old_orgs_metadata_when_switching_org(team, connected, emulator):
    describe.objects(connected)
    client = team.client_for("member")
    settings_url = reverse(
        "destinations:settings",
        kwargs={"workspace_id": connected.workspace_id, "destination_id": connected.pk},
    )
    client.post(settings_url, {"name": connected.name, "is_sandbox": "on"})
    confirm = connect(client, connected)

    client.post(confirm["Location"])

    connected.refresh_from_db()
    assert describe.summary(connected).objects is None


def test_it_reads_the_api_usage_when_connecting(connected):
    assert connected.api_requests_max == 15000
    assert connected.api_requests_used is not None
    assert connected.api_usage_at is not None


def test_it_shows_the_api_usage_on_the_destination_page(team, connected):
    page = team.client_for("member").get(_detail(connected)).content.decode()

    assert f"{connected.api_requests_used} used of 15000 a day" in page


def test_it_updates_the_api_usage_from_limits(connected, emulator):
    for _ in range(3):
        describe.refresh(connected)

    used, maximum = api_usage.refresh(connected)

    connected.refresh_from_db()
    assert (connected.api_requests_used, connected.api_requests_max) == (used, maximum)
    assert used == emulator.org("production").limits.used


def test_it_refreshes_org_metadata_from_the_destination_page(team, connected, emulator):
    client = team.client_for("member")
    describe.fields(connected, "Contact")
    url = reverse(
        "destinations:refresh-metadata",
        kwargs={"workspace_id": connected.workspace_id, "destination_id": connected.pk},
    )

    response = client.post(url, follow=True)

    page = response.content.decode()
    assert "objects and the API usage again from Salesforce" in page
    assert len(_data_calls(emulator, "/sobjects")) == 2
    assert describe.summary(connected).described == 0


def test_it_says_when_salesforce_does_not_answer_the_metadata_request(team, connected, emulator):
    emulator.org("production").faults.add("503", path="/sobjects", count=5)
    url = reverse(
        "destinations:refresh-metadata",
        kwargs={"workspace_id": connected.workspace_id, "destination_id": connected.pk},
    )

    response = team.client_for("member").post(url, follow=True)

    assert "Salesforce did not answer the metadata request" in response.content.decode()


def test_it_refuses_a_client_for_an_instance_no_longer_allowed(
    connected, emulator, settings, waiting_delivery
):
    settings.SALESFORCE_EXTRA_INSTANCE_HOSTS = []

    with pytest.raises(SalesforceError) as refused:
        client_for(connected)

    assert refused.value.kind is ErrorKind.AUTH
    connected.refresh_from_db()
    waiting_delivery.refresh_from_db()
    assert connected.state == ConnectionState.NEEDS_RECONNECT
    assert waiting_delivery.status == Status.HELD
    assert _data_calls(emulator, "/sobjects") == []


def test_it_refuses_a_client_for_a_destination_that_is_not_connected(destination, emulator):
    with pytest.raises(SalesforceError) as refused:
        client_for(destination)

    assert refused.value.kind is ErrorKind.AUTH
