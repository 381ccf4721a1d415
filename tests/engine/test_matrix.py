"""Every kind, operation, matcher shape and outcome, against the emulator.

Each case seeds the org, sends one event, runs the sender, and checks the
records, the delivery's status and code, and the API calls it spent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from deliveries.models import Status
from destinations.salesforce import ids
from tests.engine.conftest import deliver, make_action, path, send


@dataclass(frozen=True)
class KindCase:
    kind: str
    sobject: str
    base: dict[str, Any]  # what a new record needs
    write: tuple[str, Any]  # the field an event changes
    standard: str
    custom: str | None = "Member_Number__c"
    external: str | None = "External_Id__c"
    extra: dict[str, Any] = field(default_factory=dict)


KINDS = [
    KindCase("lead", "Lead", {"LastName": "L", "Company": "C"}, ("Description", "changed"), "Email"),
    KindCase("contact", "Contact", {"LastName": "L"}, ("Description", "changed"), "Email"),
    KindCase("account", "Account", {"Name": "A"}, ("Description", "changed"), "AccountNumber"),
    KindCase("case", "Case", {}, ("Description", "changed"), "Subject", custom=None, external=None),
    KindCase(
        "opportunity",
        "Opportunity",
        {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-12-31"},
        ("Description", "changed"),
        "Name",
        custom=None,
        external=None,
    ),
    KindCase(
        "custom_object",
        "Subscription__c",
        {},
        ("Seats__c", 5),
        "Name",
        custom=None,
        external="Subscription_Key__c",
    ),
]
SHAPES = ["id", "external", "standard", "custom", "and", "or"]
OPERATIONS = ["update", "upsert", "delete"]
OUTCOMES = [0, 1, 2]


def _value(field_name: str, n: int) -> str:
    return f"v{n}@x.io" if field_name == "Email" else f"value-{n}"


def _matchers(case: KindCase, shape: str) -> list[str] | None:
    chosen = {
        "id": ["Id"],
        "external": [case.external] if case.external else None,
        "standard": [case.standard],
        "custom": [case.custom] if case.custom else None,
        "and": [case.standard, case.custom] if case.custom else None,
        "or": [case.standard, case.custom] if case.custom else None,
    }[shape]
    return chosen


def _cases():
    for case in KINDS:
        for shape in SHAPES:
            matchers = _matchers(case, shape)
            if matchers is None:
                continue
            for operation in OPERATIONS:
                for outcome in OUTCOMES:
                    unique = shape in ("id", "external")
                    if outcome == 2 and unique:
                        continue
                    yield pytest.param(
                        case,
                        shape,
                        matchers,
                        operation,
                        outcome,
                        id=f"{case.kind}-{shape}-{operation}-{outcome}",
                    )


def _seed(sf, case: KindCase, fields: dict[str, Any]) -> str:
    sobject = sf.org.schema.get(case.sobject)
    return sf.org.writer.create(sobject, {**case.base, **fields})


def _expected_calls(shape: str, operation: str, outcome: int) -> int:
    if shape == "id" and operation in ("update", "delete"):
        return 1  # the write, no lookup
    if shape == "external" and operation == "upsert":
        return 1  # Salesforce's own upsert
    if outcome == 0:
        return 2 if operation == "upsert" else 1  # the lookup, and the create for upsert
    if outcome == 2:
        return 1  # the lookup: several matches write nothing
    return 2  # the lookup and the write


@pytest.mark.parametrize(("case", "shape", "matchers", "operation", "outcome"), list(_cases()))
def test_it_keeps_the_seeds_per_record_semantics(
    sf, destination, source, case, shape, matchers, operation, outcome
):
    # The record the event is about, and an unrelated one that must never change.
    matching = {m: _value(m, 1) for m in matchers if m != "Id"}
    bystander = _seed(sf, case, {m: _value(m, 9) for m in matchers if m != "Id"})
    targets = [
        _seed(
            sf,
            case,
            dict(matching) if n == 0 or shape not in ("or",) else {matchers[0]: _value(matchers[0], 1)},
        )
        for n in range(outcome)
    ]
    event_values = dict(matching)
    if shape == "id":
        # No such record: a well-formed Id of the object that was never minted.
        event_values["Id"] = (
            targets[0] if targets else ids.to_18(sf.org.schema.get(case.sobject).key_prefix + "5g0000000zzz")
        )
    write_field, write_value = case.write
    action = make_action(
        destination,
        case.kind,
        operation,
        sobject=case.sobject if case.kind == "custom_object" else "",
        trigger='type = "track"',
        fields={},
        matchers=[(m, path(f"properties.{m}")) for m in matchers],
        matcher_operator="AND" if shape == "and" else "OR",
        # A field that is also a matcher takes the event's matcher value.
        other_fields=[
            {"field": k, "mapping": path(f"properties.new_{k}")} for k in case.base if k not in matchers
        ]
        + [{"field": write_field, "mapping": path("properties.write")}],
    )
    properties = {**event_values, "write": write_value, **{f"new_{k}": v for k, v in case.base.items()}}
    send(source, {"type": "track", "userId": "u", "event": "E", "properties": properties})
    sf.reset_calls()

    [delivery] = deliver(action)

    assert sf.api_calls() == _expected_calls(shape, operation, outcome)
    records = {r["Id"]: r for r in sf.records(case.sobject)}
    assert bystander in records and records[bystander].get(write_field) != write_value
    if outcome == 2:
        assert (delivery.status, delivery.status_code) == (Status.MULTIPLE_MATCHES, 300)
        assert all(t in records and records[t].get(write_field) != write_value for t in targets)
    elif outcome == 1:
        assert delivery.status == Status.DELIVERED, delivery.error_message
        assert delivery.record_id == targets[0]
        if operation == "delete":
            assert targets[0] not in records
        else:
            assert records[targets[0]][write_field] == write_value
            assert delivery.created_record is False
    elif operation == "upsert":
        assert delivery.status == Status.DELIVERED, delivery.error_message
        assert delivery.created_record is True
        created = records[delivery.record_id]
        assert created[write_field] == write_value
        for name, value in matching.items():
            assert created[name] == value
    else:
        assert (delivery.status, delivery.status_code) == (Status.FAILED, 404), delivery.error_message
        assert len(records) == 1
