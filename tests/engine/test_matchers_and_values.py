"""Matcher shapes (custom field, AND, OR), awkward values, nulls, empties, types."""

from __future__ import annotations

import pytest

from deliveries.models import Status
from tests.engine.conftest import deliver, identify, make_action, path, send


def _seed(destination, source, *people):
    seed = make_action(
        destination,
        "lead",
        "create",
        name="seed",
        trigger='type = "identify" and traits.seed = true',
        other_fields=[{"field": "Member_Number__c", "mapping": path("traits.member")}],
    )
    send(source, *(identify(p.pop("user", "s"), seed=True, company="Acme", **p) for p in people))
    deliver(seed)
    seed.delete()


AWKWARD = [
    "O'Brien",
    'say "hi"',
    "back\\slash",
    "two\nlines",
    "tab\there",
    "ünïcødé ✓",
    "100%_match",
    "x' OR Name != '",
]


@pytest.mark.parametrize("value", AWKWARD)
def test_it_finds_records_by_awkward_custom_field_values(sf, destination, source, value):
    _seed(
        destination,
        source,
        {"last_name": "Target", "member": value},
        {"last_name": "Other", "member": "plain"},
    )
    action = make_action(
        destination,
        "lead",
        "update",
        fields={"LastName": path("traits.last_name")},
        matchers=[("Member_Number__c", path("traits.member"))],
        trigger='type = "identify" and traits.seed = null',
    )
    for lead in sf.records("Lead"):
        assert lead["Member_Number__c"] in (value, "plain")
    send(source, identify("u", member=value, last_name="Found"))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert sorted(r["LastName"] for r in sf.records("Lead")) == ["Found", "Other"]


def _other_fields_action(destination, operator):
    return make_action(
        destination,
        "lead",
        "upsert",
        matchers=[("Email", path("traits.email")), ("Member_Number__c", path("traits.member"))],
        matcher_operator=operator,
        trigger='type = "identify" and traits.seed = null',
    )


def test_it_needs_both_values_to_match_with_and(sf, destination, source):
    _seed(destination, source, {"last_name": "One", "email": "a@x.io", "member": "1"})
    action = _other_fields_action(destination, "AND")
    send(source, identify("u", email="a@x.io", member="2", last_name="Two", company="Acme"))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert delivery.created_record is True
    assert sorted(r["LastName"] for r in sf.records("Lead")) == ["One", "Two"]


def test_it_matches_on_either_value_with_or(sf, destination, source):
    _seed(destination, source, {"last_name": "One", "email": "a@x.io", "member": "1"})
    action = _other_fields_action(destination, "OR")
    send(source, identify("u", email="other@x.io", member="1", last_name="Updated"))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert delivery.created_record is False
    assert [r["LastName"] for r in sf.records("Lead")] == ["Updated"]


def test_it_writes_the_matcher_values_into_a_record_it_creates(sf, destination, source):
    action = make_action(
        destination,
        "lead",
        "upsert",
        fields={"LastName": path("traits.last_name"), "Company": path("traits.company")},
        matchers=[("Member_Number__c", path("userId"))],
    )
    send(source, identify("m-77", last_name="L", company="C"))

    deliver(action)

    assert sf.records("Lead")[0]["Member_Number__c"] == "m-77"


def test_it_leaves_a_field_unchanged_on_null_and_empty_by_default(sf, destination, source):
    _seed(destination, source, {"last_name": "Keep", "email": "k@x.io", "first_name": "Ada"})
    action = make_action(
        destination,
        "lead",
        "update",
        matchers=[("Email", path("traits.email"))],
        trigger='type = "identify" and traits.seed = null',
    )
    send(source, identify("u", email="k@x.io", first_name=None, last_name=""))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED
    lead = sf.records("Lead")[0]
    assert (lead["FirstName"], lead["LastName"]) == ("Ada", "Keep")


def test_it_clears_a_field_on_null_when_the_action_says_so(sf, destination, source):
    _seed(destination, source, {"last_name": "Keep", "email": "k@x.io", "first_name": "Ada"})
    action = make_action(
        destination,
        "lead",
        "update",
        # A direct path: the catalog default (the trait, else the property)
        # reads a null trait as absent and falls back to the property.
        fields={"FirstName": path("traits.first_name")},
        matchers=[("Email", path("traits.email"))],
        clear_fields_on_null=True,
        trigger='type = "identify" and traits.seed = null',
    )
    assert sf.records("Lead")[0]["FirstName"] == "Ada"
    send(source, identify("u", email="k@x.io", first_name=None))

    [delivery] = deliver(action)

    assert delivery.status == Status.DELIVERED, delivery.error_message
    assert sf.records("Lead")[0].get("FirstName") is None


def test_it_fails_a_value_of_the_wrong_type_before_sending(sf, destination, source):
    action = make_action(destination, "account", "create")
    send(
        source,
        {"type": "group", "userId": "u", "groupId": "g", "traits": {"name": "Acme", "employees": "many"}},
    )
    sf.reset_calls()

    [delivery] = deliver(action)

    assert (delivery.status, delivery.error_fields) == (Status.FAILED, ["NumberOfEmployees"])
    assert "NumberOfEmployees" in delivery.error_message
    assert sf.api_calls() == 0
    assert sf.records("Account") == []


def test_it_fails_an_event_missing_its_matcher_value(sf, destination, source):
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(source, identify("u", last_name="L", company="C"))

    [delivery] = deliver(action)

    assert (delivery.status, delivery.error_code) == (Status.FAILED, "MISSING_MATCHER_VALUE")


def test_it_refuses_a_matcher_salesforce_cannot_filter_on(sf, destination, source):
    action = make_action(
        destination, "lead", "update", matchers=[("Description", path("traits.description"))]
    )
    send(source, identify("u", description="text"))
    sf.reset_calls()

    [delivery] = deliver(action)

    assert delivery.status == Status.FAILED
    assert "Description" in delivery.error_message
