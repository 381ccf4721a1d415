"""Data Out explains a failure: a refusal before sending, the query a lookup ran, the records that matched."""

from __future__ import annotations

import re

from deliveries.models import Delivery, Status
from tests.dashboard.data_out_support import (
    block_emails,
    data_out_url,
    delivery_url,
    lead,
    lead_without_company,
    sent,
)
from tests.engine.conftest import deliver, identify, make_action, path, send

NOTHING_SENT = "checked before sending — nothing was sent to Salesforce"


def _row(html: str, delivery: Delivery) -> str:
    found = re.search(rf'<tr id="delivery-{delivery.pk}".*?</tr>', html, re.S)
    assert found is not None
    return found.group(0)


def _upsert_on_email(destination):
    return make_action(
        destination,
        "lead",
        "upsert",
        name="Upsert",
        matchers=[("Email", path("traits.email"))],
        trigger='type = "identify" and traits.again = true',
    )


def test_a_row_refused_before_sending_says_so_and_shows_no_salesforce_status(team, sf, destination, source):
    block_emails(sf.org)
    action = sent(sf, destination, source, lead_without_company("ours"), lead("theirs", "t@blocked.example"))
    ours, theirs = Delivery.objects.filter(action=action).order_by("id")

    html = team.client_for("member").get(data_out_url(destination)).content.decode()

    assert NOTHING_SENT in _row(html, ours)
    assert 'class="code"' not in _row(html, ours)
    assert NOTHING_SENT not in _row(html, theirs)
    assert '<span class="code" title="Salesforce status code">400</span>' in _row(html, theirs)


def test_the_page_of_a_refusal_before_sending_shows_no_call_and_no_salesforce_status(
    team, sf, destination, source
):
    action = sent(sf, destination, source, lead_without_company("ours"))

    html = team.client_for("member").get(delivery_url(Delivery.objects.get(action=action))).content.decode()

    assert NOTHING_SENT in html
    assert "Salesforce status" not in html
    assert "No call to Salesforce was made in this attempt." in html
    assert "Required fields are missing: [Company]" in html


def test_the_lookup_attempt_shows_the_soql_it_ran(team, sf, destination, source):
    action = _upsert_on_email(destination)
    send(source, identify("u1", email="o'brien@x.io", last_name="O'Brien", company="C", again=True))
    [delivery] = deliver(action)

    html = team.client_for("member").get(delivery_url(delivery)).content.decode()

    soql = re.search(r'<pre class="json soql"[^>]*>(.*?)</pre>', html, re.S)
    assert soql is not None
    assert soql.group(1) == "SELECT Id, Email FROM Lead WHERE Email = &#x27;o\\&#x27;brien@x.io&#x27;"


def test_a_multiple_matches_delivery_links_each_matching_record(team, sf, destination, source):
    sent(sf, destination, source, lead("a", "twin@x.io"), lead("b", "twin@x.io"), name="seed")
    action = _upsert_on_email(destination)
    send(source, identify("c", email="twin@x.io", last_name="C", again=True))
    [delivery] = deliver(action)
    ids = sorted(r["Id"] for r in sf.records("Lead"))
    assert delivery.status == Status.MULTIPLE_MATCHES
    client = team.client_for("member")

    page = client.get(delivery_url(delivery)).content.decode()
    row = _row(client.get(data_out_url(destination)).content.decode(), delivery)

    for record_id in ids:
        link = f'<a href="{destination.instance_url}/{record_id}" target="_blank" rel="noopener noreferrer"'
        assert link in page
        assert link in row


def test_the_dates_of_the_filter_are_off_unless_a_custom_range_is_chosen(team, sf, destination):
    client = team.client_for("member")

    any_time = client.get(data_out_url(destination)).content.decode()
    custom = client.get(data_out_url(destination, range="custom", **{"from": "2026-11-29"})).content.decode()

    assert re.search(r'<input type="datetime-local" name="from" value=""\s+disabled>', any_time)
    assert re.search(r'<input type="datetime-local" name="from" value="2026-11-29">', custom)
