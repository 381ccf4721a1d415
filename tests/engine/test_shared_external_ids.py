"""An upsert on an external id that several records share: multiple matches, each record listed.

Legacy_Id__c is an external id not marked unique, so Salesforce lets records
share a value; an upsert on it then cannot choose one. The action's single
external-id matcher makes the sender upsert natively (no lookup first).
"""

from __future__ import annotations

from deliveries.models import Delivery, Status
from tests.dashboard.data_out_support import delivery_url
from tests.engine.conftest import deliver, identify, make_action, path, send


def _contacts_on_legacy_id(destination):
    return make_action(
        destination,
        "contact",
        "upsert",
        trigger='type = "identify"',
        matchers=[("Legacy_Id__c", path("userId"))],
    )


def _attempt_calls(delivery: Delivery) -> list[str]:
    attempt = delivery.attempt_log.get(number=delivery.attempts)
    return [request["method"] for request in attempt.requests]


def test_a_native_upsert_on_a_shared_value_is_a_multiple_match_listing_each_record(sf, destination, source):
    first = sf.org.writer.create(sf.org.schema.get("Contact"), {"LastName": "A", "Legacy_Id__c": "u1"})
    second = sf.org.writer.create(sf.org.schema.get("Contact"), {"LastName": "B", "Legacy_Id__c": "U1"})
    action = _contacts_on_legacy_id(destination)
    send(source, identify("u1", last_name="Changed", email="u1@x.io"), identify("u2", last_name="New"))

    shared, alone = deliver(action)

    assert (shared.status, shared.error_code) == (Status.MULTIPLE_MATCHES, "MULTIPLE_MATCHES"), (
        shared.error_message
    )
    assert sorted(shared.matched_record_ids) == sorted([first, second])
    assert shared.error_message.startswith('2 Contact records have Legacy_Id__c "u1"')
    assert shared.status_code == 300
    assert _attempt_calls(shared)[0] == "PATCH"
    assert alone.status == Status.DELIVERED and alone.created_record is True
    assert sorted(r["LastName"] for r in sf.records("Contact")) == ["A", "B", "New"]


def test_a_multiple_match_is_not_retried(sf, destination, source):
    for last_name in ("A", "B"):
        sf.org.writer.create(sf.org.schema.get("Contact"), {"LastName": last_name, "Legacy_Id__c": "u1"})
    action = _contacts_on_legacy_id(destination)
    send(source, identify("u1", last_name="Changed"))
    [first] = deliver(action)
    assert first.status == Status.MULTIPLE_MATCHES
    sf.reset_calls()

    [again] = deliver(action)

    assert (again.status, again.attempts) == (Status.MULTIPLE_MATCHES, 1)
    assert sf.data_requests() == []


def test_data_out_links_each_record_the_shared_value_matched(team, sf, destination, source):
    ids = [
        sf.org.writer.create(sf.org.schema.get("Contact"), {"LastName": name, "Legacy_Id__c": "u1"})
        for name in ("A", "B")
    ]
    action = _contacts_on_legacy_id(destination)
    send(source, identify("u1", last_name="Changed"))
    [delivery] = deliver(action)

    page = team.client_for("viewer").get(delivery_url(delivery)).content.decode()

    for record_id in ids:
        assert f'href="{destination.instance_url.rstrip("/")}/{record_id}"' in page


def test_when_the_lookup_of_the_shared_records_fails_salesforces_own_refusal_stands(sf, destination, source):
    for last_name in ("A", "B"):
        sf.org.writer.create(sf.org.schema.get("Contact"), {"LastName": last_name, "Legacy_Id__c": "u1"})
    sf.control("POST", "/faults", json={"kind": "503", "path": "query", "count": 1})
    action = _contacts_on_legacy_id(destination)
    send(source, identify("u1", last_name="Changed"))

    [delivery] = deliver(action)

    assert (delivery.status, delivery.error_code) == (Status.FAILED, "DUPLICATE_EXTERNAL_ID")
    assert delivery.matched_record_ids == []
    assert sorted(r["LastName"] for r in sf.records("Contact")) == ["A", "B"]
