"""Send test event: a confirmation first, then a real send through the sender, and Salesforce's answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from deliveries.models import Delivery, SenderLease
from destinations.models import ConnectionState
from sources.models import Event
from sources.provisioning import create_source
from tests.engine import conftest as engine

sf = engine.sf
destination = engine.destination


def _url(destination, action, event=None):
    url = reverse(
        "actions:send-test",
        kwargs={
            "workspace_id": destination.workspace_id,
            "destination_id": destination.pk,
            "action_id": action.pk,
        },
    )
    return url if event is None else f"{url}?event_id={event.pk}"


def _stored(source, traits):
    now = timezone.now()
    payload = {"type": "identify", "userId": "u1", "traits": traits}
    return Event.objects.create(
        source=source, message_id="m1", type="identify", timestamp=now, received_at=now, payload=payload
    )


@pytest.fixture
def lead(destination):
    return engine.make_action(
        destination, "lead", "upsert", matchers=[("Email", {"@path": "$.traits.email"})]
    )


@pytest.fixture
def ada(source):
    return _stored(source.source, {"email": "ada@example.com", "last_name": "Lovelace", "company": "Acme"})


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_asks_for_confirmation_before_sending(team, destination, lead, ada, sf, who):
    sf.reset_calls()

    page = team.client_for(who).get(_url(destination, lead, ada)).content.decode()

    assert "for real" in page and "Send to Salesforce" in page
    assert sf.data_requests() == []
    assert not Delivery.objects.exists()


def test_it_sends_for_real_and_shows_the_answer(team, destination, lead, ada, sf):
    response = team.client_for("member").post(_url(destination, lead), {"event_id": ada.pk})

    page = response.content.decode()
    delivery = Delivery.objects.get()
    [record] = sf.records("Lead")
    assert delivery.is_test and delivery.status == "delivered"
    assert delivery.record_id == record["Id"]
    assert record["LastName"] == "Lovelace"
    assert "Salesforce answered" in page and record["Id"] in page and "(created)" in page
    assert delivery.attempt_log.get().requests
    assert "Requests and answers" in page and "SELECT Id, Email FROM Lead" in page


def test_it_shows_salesforces_refusal(team, destination, source, lead, sf):
    nameless = _stored(source.source, {"email": "nobody@example.com"})

    page = team.client_for("owner").post(_url(destination, lead), {"event_id": nameless.pk}).content.decode()

    assert "REQUIRED_FIELD_MISSING" in page
    assert Delivery.objects.get().status == "failed"
    assert sf.records("Lead") == []


def test_it_says_nothing_was_sent_when_our_own_checks_refuse_the_event(team, destination, source, sf):
    creates = engine.make_action(destination, "lead", "create", name="Creates")
    nameless = _stored(source.source, {"email": "nobody@example.com"})
    sf.reset_calls()

    page = (
        team.client_for("owner").post(_url(destination, creates), {"event_id": nameless.pk}).content.decode()
    )

    assert "Not sent to Salesforce" in page and "Salesforce answered" not in page
    assert "checked before sending — nothing was sent to Salesforce" in page
    assert "REQUIRED_FIELD_MISSING" in page
    assert sf.data_requests() == []


def test_it_refuses_when_the_destination_is_not_connected(team, destination, lead, ada, sf):
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.save()

    response = team.client_for("owner").post(_url(destination, lead), {"event_id": ada.pk})

    assert response.status_code == 409
    assert "Connect the destination" in response.content.decode()
    assert ">Reconnect</button>" in response.content.decode()
    assert not Delivery.objects.exists()


def test_it_waits_for_a_sender_working_on_the_action(team, destination, lead, ada, sf):
    # Two senders at once could both create the record: the test send takes the same lease.
    engine.lane_lease(lead.pk).update(until=timezone.now() + timedelta(minutes=1))
    sf.reset_calls()

    response = team.client_for("owner").post(_url(destination, lead), {"event_id": ada.pk})

    assert response.status_code == 409
    assert "sending other events right now" in response.content.decode()
    assert not Delivery.objects.exists()
    assert sf.data_requests() == []


def test_it_gives_the_lease_back_after_sending(team, destination, lead, ada, sf):
    team.client_for("owner").post(_url(destination, lead), {"event_id": ada.pk})

    assert [(lease.until, lease.token) for lease in SenderLease.objects.filter(action=lead)] == [(None, "")]


def test_it_refuses_an_event_of_another_source(team, destination, lead, sf):
    elsewhere, _ = create_source(team.workspace, "elsewhere")
    event = _stored(elsewhere, {"email": "x@example.com", "last_name": "X", "company": "Y"})

    response = team.client_for("owner").post(_url(destination, lead), {"event_id": event.pk})

    assert response.status_code == 400
    assert not Delivery.objects.exists()


def test_it_keeps_outsiders_and_forged_posts_out(team, destination, lead, ada, sf):
    assert team.client_for("outsider").get(_url(destination, lead, ada)).status_code == 404
    assert team.client_for("outsider").post(_url(destination, lead), {"event_id": ada.pk}).status_code == 404
    forged = team.client_for("owner", enforce_csrf=True).post(_url(destination, lead), {"event_id": ada.pk})
    assert forged.status_code == 403
    assert not Delivery.objects.exists()
    assert Action.objects.filter(pk=lead.pk).exists()
