"""Deliveries our own checks refuse before sending: no Salesforce status, no requests, our own code.

Only what Salesforce answered carries its status; a refusal made here never
reached it, and its attempt shows no call (not even the chunk's shared lookup).
"""

from __future__ import annotations

import pytest

from deliveries.models import Attempt, BulkJob, Delivery, Status
from deliveries.retrying import retry_one
from tests.engine.bulk_helpers import bulk_upsert, deliver_bulk
from tests.engine.conftest import deliver, identify, make_action, path, seed_records, send


def _attempt(delivery: Delivery) -> Attempt:
    return delivery.attempt_log.get(number=delivery.attempts)


def _assert_refused(delivery: Delivery, code: str) -> None:
    assert (delivery.status, delivery.error_code) == (Status.FAILED, code), delivery.error_message
    assert delivery.status_code is None
    assert delivery.refused_before_sending is True
    attempt = _attempt(delivery)
    assert (attempt.requests, attempt.responses, attempt.api_calls) == ([], [], 0)


def _email_upsert(destination):
    return make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])


def _create(kind):
    return lambda destination: make_action(destination, kind, "create")


def _update_on_description(destination):
    return make_action(destination, "lead", "update", matchers=[("Description", path("traits.description"))])


def _company_repeated_past_its_length(destination):
    # Lead.Company holds 255 characters (the org's describe): thirty copies of a 10-character company do not fit.
    template = {"@template": "{{traits.company}}" * 30}
    return make_action(
        destination, "lead", "create", fields={"LastName": path("traits.last_name"), "Company": template}
    )


REFUSALS = {
    "a mapping building more than its field holds": (
        _company_repeated_past_its_length,
        identify("u", last_name="L", company="0123456789"),
        "MAPPING_TOO_LARGE",
        ["Company"],
    ),
    "a required field missing": (
        _create("lead"),
        identify("u", last_name="L"),
        "REQUIRED_FIELD_MISSING",
        ["Company"],
    ),
    "a null matcher value": (
        _email_upsert,
        identify("u", last_name="L", company="C", email=None),
        "MISSING_MATCHER_VALUE",
        [],
    ),
    "an object as a matcher value": (
        _email_upsert,
        identify("u", last_name="L", company="C", email={"work": "w@x.io"}),
        "INVALID_TYPE",
        ["Email"],
    ),
    "a value its field cannot take": (
        _create("account"),
        {"type": "group", "userId": "u", "groupId": "g", "traits": {"name": "Acme", "employees": "many"}},
        "INVALID_TYPE",
        ["NumberOfEmployees"],
    ),
    "a matcher Salesforce cannot filter on": (
        _update_on_description,
        identify("u", description="text"),
        "INVALID_FIELD",
        ["Description"],
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_it_records_a_refusal_before_sending_without_a_salesforce_status_or_a_request(
    sf, destination, source, case
):
    make, message, code, fields = REFUSALS[case]
    action = make(destination)
    send(source, message)
    sf.reset_calls()

    [delivery] = deliver(action)

    _assert_refused(delivery, code)
    assert delivery.error_fields == fields
    assert sf.data_requests() == []


def test_it_does_not_charge_an_event_without_a_matcher_value_with_the_chunks_lookup(sf, destination, source):
    action = _email_upsert(destination)
    send(
        source,
        identify("u1", last_name="L", company="C"),
        identify("u2", last_name="M", company="C", email="m@x.io"),
    )

    missing, looked_up = deliver(action)

    _assert_refused(missing, "MISSING_MATCHER_VALUE")
    assert looked_up.status == Status.DELIVERED
    assert _attempt(looked_up).requests[0]["method"] == "GET"


def test_it_still_refuses_an_event_without_a_matcher_value_when_the_lookup_fails(sf, destination, source):
    action = _email_upsert(destination)
    send(
        source,
        identify("u1", last_name="L", company="C"),
        identify("u2", last_name="M", company="C", email="m@x.io"),
    )
    sf.org.faults.add("503", path="query", count=1)

    missing, looked_up = deliver(action)

    _assert_refused(missing, "MISSING_MATCHER_VALUE")
    assert (looked_up.status, looked_up.status_code) == (Status.RETRYING, 503)
    assert looked_up.refused_before_sending is False


def test_it_keeps_the_lookup_on_an_upsert_refused_before_creating(sf, destination, source):
    action = _email_upsert(destination)
    send(source, identify("u1", last_name="L", email="new@x.io"))

    [delivery] = deliver(action)

    assert (delivery.status, delivery.error_code, delivery.status_code) == (
        Status.FAILED,
        "REQUIRED_FIELD_MISSING",
        None,
    )
    # The lookup was sent for this event: it is in the attempt, and "nothing was sent" would be untrue.
    assert delivery.refused_before_sending is False
    [lookup] = _attempt(delivery).requests
    assert "new@x.io" in lookup["soql"]


def test_it_keeps_salesforces_own_refusal_with_its_status(sf, destination, source):
    sf.org.add_validation_rule(
        "Lead",
        "No test leads.",
        error_field="Email",
        condition={"field": "Email", "op": "ends_with", "value": "@test.example"},
    )
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", last_name="L", company="C", email="a@test.example"))

    [delivery] = deliver(action)

    assert (delivery.status, delivery.status_code, delivery.refused_before_sending) == (
        Status.FAILED,
        400,
        False,
    )
    assert _attempt(delivery).requests[0]["method"] == "POST"


def test_it_lists_the_records_that_matched_a_multiple_matches_delivery(sf, destination, source):
    seed_records(
        destination,
        source,
        identify("a", last_name="A", company="X", email="dup@x.io"),
        identify("b", last_name="B", company="Y", email="DUP@x.io"),
    )
    action = make_action(destination, "lead", "update", matchers=[("Email", path("traits.email"))])
    send(source, identify("c", last_name="Changed", email="dup@x.io"))

    [delivery] = deliver(action)

    assert (delivery.status, delivery.status_code) == (Status.MULTIPLE_MATCHES, 300)
    assert delivery.matched_record_ids == sorted(r["Id"] for r in sf.records("Lead"))


def test_it_forgets_the_refusal_once_the_delivery_is_retried_and_sent(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", last_name="L"))
    [refused] = deliver(action)
    action.fields = {**action.fields, "Company": "Unknown company"}
    action.save()

    assert retry_one(refused)
    [delivery] = deliver(action)

    assert (delivery.status, delivery.status_code, delivery.refused_before_sending) == (
        Status.DELIVERED,
        201,
        False,
    )
    assert [a.requests != [] for a in delivery.attempt_log.order_by("number")] == [False, True]


def test_it_refuses_the_deliveries_of_a_bulk_action_without_its_key_before_any_job(sf, destination, source):
    action = make_action(
        destination, "contact", "upsert", trigger='type = "identify"', use_bulk=True, batch_size=1
    )
    send(source, identify("a", last_name="A"))
    sf.reset_calls()

    [delivery] = deliver_bulk(sf, action)

    _assert_refused(delivery, "BULK_KEY_MISSING")
    assert BulkJob.objects.count() == 0
    assert sf.data_requests() == []


def test_it_refuses_a_value_of_a_bulk_row_before_any_job(sf, destination, source):
    action = bulk_upsert(
        destination, batch_size=2, other_fields=[{"field": "Birthdate", "mapping": path("traits.born")}]
    )
    send(
        source,
        identify("a", last_name="A", born="yesterday"),
        identify("b", last_name="B", born="1990-01-01"),
    )

    refused, sent = deliver_bulk(sf, action)

    _assert_refused(refused, "INVALID_TYPE")
    assert (sent.status, sent.status_code, sent.refused_before_sending) == (Status.DELIVERED, 201, False)
