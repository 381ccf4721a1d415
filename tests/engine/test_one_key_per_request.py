"""Salesforce fails every record sharing a key in one upsert request: the sender never sends two.

The emulator fails each record of a Collections upsert (or row of a Bulk
batch) whose external-id value another one repeats, as Salesforce does. The
deliveries that could put one key twice in a request are merged first: two
events for one key (in any case, the field not being case-sensitive) in one
Bulk batch, and a retried delivery that comes due beside a new event for its
key.
"""

from __future__ import annotations

import json

from deliveries.models import BulkJob, Delivery, Status
from deliveries.retrying import retry_one
from tests.engine.bulk_helpers import bulk_upsert, deliver_bulk
from tests.engine.conftest import deliver, identify, make_action, path, send


def test_a_bulk_batch_with_two_events_for_one_key_sends_one_row(sf, destination, source):
    action = bulk_upsert(destination, batch_size=3)
    send(
        source,
        identify("member-7", last_name="First", first_name="Ada"),
        identify("other", last_name="Other"),
        identify("MEMBER-7", last_name="Second"),
    )

    first, other, second = deliver_bulk(sf, action)

    [job] = BulkJob.objects.all()
    assert len(job.rows) == 2
    assert [first.status, other.status, second.status] == [Status.DELIVERED] * 3, second.error_message
    assert sf.org.bulk.get(job.job_id).failures == []
    [contact] = [r for r in sf.records("Contact") if r["External_Id__c"].lower() == "member-7"]
    assert (contact["LastName"], contact["FirstName"]) == ("Second", "Ada")
    assert first.record_id == second.record_id == contact["Id"]


def test_a_retried_delivery_and_a_new_event_for_its_key_are_one_record_in_one_upsert(sf, destination, source):
    sf.org.add_validation_rule(
        "Contact", "Not yet.", condition={"field": "LastName", "op": "equals", "value": "Lovelace"}
    )
    action = make_action(
        destination,
        "contact",
        "upsert",
        trigger='type = "identify"',
        matchers=[("External_Id__c", path("userId"))],
    )
    send(source, identify("u1", last_name="Lovelace"))
    [refused] = deliver(action)
    assert refused.status == Status.FAILED
    sf.org.validation_rules.clear()  # the admin relaxed the rule: the failed delivery is retried
    assert retry_one(refused)
    send(source, identify("u1", first_name="Ada"))
    sf.reset_calls()

    retried, new = deliver(action)

    assert [retried.status, new.status] == [Status.DELIVERED, Status.DELIVERED], retried.error_message
    [upsert] = [r for r in sf.data_requests() if r.method == "PATCH"]
    assert len(json.loads(upsert.body)["records"]) == 1
    [contact] = sf.records("Contact")
    assert (contact["LastName"], contact["FirstName"]) == ("Lovelace", "Ada")
    assert Delivery.objects.filter(error_code="DUPLICATE_EXTERNAL_ID").count() == 0
