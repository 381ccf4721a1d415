"""One delivery's page: the event, the outcome, each attempt's calls."""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import RawSQL

from deliveries.models import Attempt, Delivery
from sources.models import Event
from tests.dashboard.data_out_support import block_emails, data_out_url, delivery_url, lead, sent
from tests.engine.conftest import deliver, make_action, send


def test_it_shows_the_event_the_outcome_and_each_call(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1", "ada@x.io"))
    delivery = Delivery.objects.get(action=action)
    attempt = Attempt.objects.get(delivery=delivery)

    response = team.client_for("member").get(delivery_url(delivery))

    html = response.content.decode()
    assert response.status_code == 200
    assert delivery.event.message_id in html
    assert "&quot;email&quot;: &quot;ada@x.io&quot;" in html
    assert f'href="{destination.instance_url}/{delivery.record_id}"' in html
    assert "Attempt 1" in html
    request = attempt.requests[0]
    assert request["method"] in html and request["path"] in html
    assert f'→ <span class="code">{attempt.responses[0]["status"]}</span>' in html


def test_it_shows_the_salesforce_error_of_a_failed_delivery(team, sf, destination, source):
    block_emails(sf.org)
    action = sent(sf, destination, source, lead("u1", "u1@blocked.example"))
    delivery = Delivery.objects.get(action=action)

    html = team.client_for("owner").get(delivery_url(delivery)).content.decode()

    assert "FIELD_CUSTOM_VALIDATION_EXCEPTION" in html
    assert "Leads from blocked.example are not accepted." in html
    assert "Retry delivery" in html


def test_it_never_shows_credentials_even_if_a_stored_call_had_them(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    attempt = Attempt.objects.get(delivery__action=action)
    token = destination.access_token
    attempt.requests = [
        {"method": "GET", "path": "/x", "headers": {"Authorization": f"Bearer {token}"}, "body": None}
    ]
    attempt.responses = [{"status": 200, "body": {"access_token": token}}]
    attempt.save()

    html = team.client_for("owner").get(delivery_url(attempt.delivery)).content.decode()

    assert token not in html
    assert "[redacted]" in html


def test_it_links_the_bulk_job_of_a_delivery(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    Delivery.objects.filter(action=action).update(bulk_job_id="7508d000001AbCdEFG")
    delivery = Delivery.objects.get(action=action)

    html = team.client_for("owner").get(delivery_url(delivery)).content.decode()

    assert f'href="{data_out_url(destination)}?bulk_job=7508d000001AbCdEFG"' in html


def test_it_offers_no_retry_for_a_delivered_one(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))

    html = team.client_for("owner").get(delivery_url(Delivery.objects.get(action=action))).content.decode()

    assert "Retry delivery" not in html


def test_an_unknown_delivery_is_not_found(team, sf, destination):
    url = data_out_url(destination) + "999999/"

    assert team.client_for("owner").get(url).status_code == 404


def test_it_explains_multiple_matches_and_offers_a_retry(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    Delivery.objects.filter(action=action).update(status="multiple_matches", status_code=300, record_id="")

    html = team.client_for("owner").get(delivery_url(Delivery.objects.get(action=action))).content.decode()

    assert "Several Salesforce records matched" in html
    assert "Retry delivery" in html


def test_it_follows_an_unsettled_delivery_until_it_settles(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, lead("u1"))
    delivery = Delivery.objects.get(action=action)
    client = team.client_for("owner")

    pending = client.get(delivery_url(delivery)).content.decode()
    deliver(action)
    settled = client.get(delivery_url(delivery)).content.decode()

    assert 'hx-select="#delivery-page"' in pending and 'hx-trigger="every 5s' in pending
    assert 'id="delivery-page"' in settled and "hx-trigger" not in settled


def test_it_shows_an_event_stored_nested_900_deep(team, sf, destination, source):
    # Intake refuses such an event now; one stored before still has a page.
    action = sent(sf, destination, source, lead("u1"))
    delivery = Delivery.objects.get(action=action)
    deep: dict = {}
    for _ in range(900):
        deep = {"a": deep}
    delivery.event.payload["properties"] = {"deep": deep}
    delivery.event.save()

    response = team.client_for("member").get(delivery_url(delivery))

    assert response.status_code == 200
    assert "[nested too deep to show]" in response.content.decode()


def test_it_shows_an_event_stored_nested_deeper_than_the_decoder_can_read(team, sf, destination, source):
    # Stored before intake capped nesting, as deep as SQLite's JSON allows:
    # deeper than Python's decoder reaches from inside a request.
    action = sent(sf, destination, source, lead("u1"))
    delivery = Delivery.objects.get(action=action)
    text = '{"a":' * 995 + "1" + "}" * 995
    stored_as = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    Event.objects.filter(pk=delivery.event_id).update(payload=RawSQL(stored_as, [text]))  # noqa: S611 - a constant, as old rows hold

    response = team.client_for("member").get(delivery_url(delivery))

    assert response.status_code == 200
    assert "[nested too deep to show]" in response.content.decode()
