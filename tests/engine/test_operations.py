"""Each operation against the emulator: records written, Data Out, calls spent."""

from __future__ import annotations

import pytest

from deliveries.models import Attempt, Status
from tests.engine.conftest import deliver, identify, make_action, path, send


def test_it_creates_one_lead_per_event_in_one_call(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(
        source, *(identify(f"u{n}", last_name=f"L{n}", company="Acme", email=f"u{n}@x.io") for n in range(3))
    )
    sf.reset_calls()

    deliveries = deliver(action)

    assert [d.status for d in deliveries] == [Status.DELIVERED] * 3
    leads = {r["Email"]: r for r in sf.records("Lead")}
    assert sorted(leads) == ["u0@x.io", "u1@x.io", "u2@x.io"]
    assert [d.record_id for d in deliveries] == [leads[f"u{n}@x.io"]["Id"] for n in range(3)]
    assert all(d.created_record for d in deliveries)
    assert sf.api_calls() == 1
    assert sum(d.api_calls for d in deliveries) == pytest.approx(1)


def test_it_fails_a_create_missing_a_required_field_alone_before_sending(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", last_name="L"), identify("u2", last_name="M", company="Acme"))
    sf.reset_calls()

    missing, complete = deliver(action)

    assert (missing.status, missing.error_code) == (Status.FAILED, "REQUIRED_FIELD_MISSING")
    assert missing.error_message == "Required fields are missing: [Company]"
    assert missing.api_calls == 0
    assert complete.status == Status.DELIVERED
    assert sf.api_calls() == 1


def test_it_upserts_on_email_with_one_lookup_for_the_chunk(sf, destination, source):
    existing = make_action(destination, "lead", "create", name="seed")
    send(source, identify("u0", last_name="Old", company="Acme", email="known@x.io"))
    deliver(existing)
    existing.delete()
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(
        source,
        identify("u1", last_name="New", company="Acme", email="KNOWN@x.io"),
        identify("u2", last_name="Fresh", company="Acme", email="fresh@x.io"),
    )
    sf.reset_calls()

    updated, created = deliver(action)

    leads = {r["Email"].lower(): r for r in sf.records("Lead")}
    assert len(leads) == 2
    assert leads["known@x.io"]["LastName"] == "New"
    assert (updated.status, updated.created_record, updated.record_id) == (
        Status.DELIVERED,
        False,
        leads["known@x.io"]["Id"],
    )
    assert (created.status, created.created_record) == (Status.DELIVERED, True)
    # one query, one update call, one create call
    assert sf.api_calls() == 3


def test_it_creates_one_record_for_two_events_about_the_same_new_person(sf, destination, source):
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(
        source,
        identify("u1", last_name="First", company="Acme", email="same@x.io"),
        identify("u1", last_name="Second", company="Acme", email="Same@x.io", first_name="Ada"),
    )

    first, second = deliver(action)

    [lead] = sf.records("Lead")
    assert (lead["LastName"], lead["FirstName"]) == ("Second", "Ada")
    assert first.record_id == second.record_id == lead["Id"]


def test_it_upserts_by_external_id_without_a_lookup(sf, destination, source):
    action = make_action(destination, "lead", "upsert", matchers=[("External_Id__c", path("userId"))])
    send(
        source,
        identify("ext-1", last_name="A", company="Acme"),
        identify("ext-2", last_name="B", company="Acme"),
    )
    deliver(action)
    send(source, identify("ext-1", last_name="A2"))
    sf.reset_calls()

    deliveries = deliver(action)

    assert [d.created_record for d in deliveries] == [True, True, False]
    assert {r["External_Id__c"]: r["LastName"] for r in sf.records("Lead")} == {"ext-1": "A2", "ext-2": "B"}
    assert sf.api_calls() == 1
    assert [r.method for r in sf.data_requests() if r.counted] == ["PATCH"]


def test_it_reports_several_matches_as_300_writes_nothing_and_never_retries(sf, destination, source):
    seed = make_action(destination, "lead", "create", name="seed")
    send(
        source,
        identify("a", last_name="A", company="X", email="dup@x.io"),
        identify("b", last_name="B", company="Y", email="dup@x.io"),
    )
    deliver(seed)
    seed.delete()
    action = make_action(destination, "lead", "update", matchers=[("Email", path("traits.email"))])
    send(source, identify("c", last_name="Changed", email="dup@x.io"))

    [delivery] = deliver(action)
    deliver(action)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.status_code, delivery.attempts) == (Status.MULTIPLE_MATCHES, 300, 1)
    assert sorted(r["LastName"] for r in sf.records("Lead")) == ["A", "B"]


def test_it_fails_update_and_delete_without_a_match_with_404(sf, destination, source):
    update = make_action(destination, "lead", "update", matchers=[("Email", path("traits.email"))], name="u")
    delete = make_action(destination, "lead", "delete", matchers=[("Email", path("traits.email"))], name="d")
    send(source, identify("c", last_name="Nobody", email="nobody@x.io"))

    [updated], [deleted] = deliver(update), deliver(delete)

    assert (updated.status, updated.status_code, updated.error_code) == (Status.FAILED, 404, "NOT_FOUND")
    assert (deleted.status, deleted.status_code) == (Status.FAILED, 404)
    assert sf.records("Lead") == []


def test_it_updates_and_deletes_by_id_without_a_lookup(sf, destination, source):
    seed = make_action(destination, "lead", "create", name="seed")
    send(source, identify("a", last_name="A", company="X"))
    [created] = deliver(seed)
    seed.delete()
    update = make_action(
        destination,
        "lead",
        "update",
        name="u",
        matchers=[("Id", path("traits.sf_id"))],
        trigger='type = "identify"',
    )
    send(source, identify("a", sf_id=created.record_id, last_name="Renamed"))
    sf.reset_calls()

    [updated] = deliver(update)

    assert updated.status == Status.DELIVERED
    assert sf.records("Lead")[0]["LastName"] == "Renamed"
    assert sf.api_calls() == 1
    update.delete()
    delete = make_action(destination, "lead", "delete", name="d", matchers=[("Id", path("traits.sf_id"))])
    send(source, identify("a", sf_id=created.record_id))

    [deleted] = deliver(delete)

    assert deleted.status == Status.DELIVERED
    assert sf.records("Lead") == []


@pytest.mark.parametrize(
    ("kind", "message", "sobject", "check"),
    [
        ("contact", identify("u", last_name="Doe", email="d@x.io"), "Contact", ("LastName", "Doe")),
        (
            "account",
            {
                "type": "group",
                "userId": "u",
                "groupId": "g-1",
                "traits": {"name": "Acme", "employees": "1000"},
            },
            "Account",
            ("NumberOfEmployees", 1000),
        ),
        (
            "case",
            {"type": "track", "userId": "u", "event": "Help", "properties": {"description": "Broken"}},
            "Case",
            ("Description", "Broken"),
        ),
        (
            "opportunity",
            {
                "type": "track",
                "userId": "u",
                "event": "Deal",
                "properties": {
                    "name": "Big",
                    "stage": "Prospecting",
                    "close": "2026-12-31T10:00:00Z",
                    "amount": "12.5",
                },
            },
            "Opportunity",
            ("CloseDate", "2026-12-31"),
        ),
    ],
)
def test_it_creates_each_kind_with_converted_values(sf, destination, source, kind, message, sobject, check):
    fields = {
        "case": {"Description": path("properties.description")},
        "opportunity": {
            "Name": path("properties.name"),
            "StageName": path("properties.stage"),
            "CloseDate": path("properties.close"),
            "Amount": path("properties.amount"),
        },
    }
    settings = {"fields": fields[kind]} if kind in fields else {}
    action = make_action(destination, kind, "create", trigger=f'type = "{message["type"]}"', **settings)
    send(source, message)

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    [record] = sf.records(sobject)
    assert record[check[0]] == check[1]


def test_it_writes_a_custom_object_from_other_fields(sf, destination, source):
    action = make_action(
        destination,
        "custom_object",
        "upsert",
        sobject="Subscription__c",
        trigger='type = "track"',
        fields={},
        matchers=[("Subscription_Key__c", path("properties.subscription_id"))],
        other_fields=[
            {"field": "Seats__c", "mapping": path("properties.seats")},
            {"field": "Active__c", "mapping": path("properties.active")},
        ],
    )
    send(
        source,
        {
            "type": "track",
            "userId": "u",
            "event": "Subscribed",
            "properties": {"subscription_id": "s-1", "seats": "5", "active": "true"},
        },
    )

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    [record] = sf.records("Subscription__c")
    assert (record["Subscription_Key__c"], record["Seats__c"], record["Active__c"]) == ("s-1", 5, True)


def test_it_keeps_the_attempt_without_any_token(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", last_name="L", company="Acme"))

    [delivery] = deliver(action)

    [attempt] = Attempt.objects.filter(delivery=delivery)
    text = str(attempt.requests) + str(attempt.responses)
    assert attempt.requests[0]["method"] == "POST"
    assert attempt.requests[0]["body"]["LastName"] == "L"
    assert attempt.responses[0]["status"] == 200
    assert destination.access_token not in text
    assert destination.refresh_token not in text
