"""Configurations forced past the editor (field names no org can have, an operator that is none):
refused at send time, never stuck.

The editor and import_config refuse them; an action already stored with one
(an older version, a hand-edited database) must still fail each delivery
with the reason, send nothing, and never leave it ``sending``.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from deliveries.models import Delivery, Status
from tests.engine.bulk_helpers import bulk_upsert, deliver_bulk
from tests.engine.conftest import deliver, identify, make_action, path, send


def _assert_refused_for_its_name(delivery: Delivery, name: str) -> None:
    assert (delivery.status, delivery.error_code) == (Status.FAILED, "INVALID_FIELD_NAME"), (
        delivery.error_message
    )
    assert delivery.status_code is None and delivery.refused_before_sending is True
    assert f'"{name}"' in delivery.error_message
    assert delivery.error_fields == [name]


@pytest.mark.parametrize("operation", ["upsert", "update", "delete"])
def test_a_matcher_name_no_org_can_have_fails_the_delivery_and_sends_nothing(
    sf, destination, source, operation
):
    action = make_action(destination, "lead", operation, matchers=[("Email; DROP", path("traits.email"))])
    send(source, identify("u", last_name="L", company="C", email="a@x.io"))
    sf.reset_calls()

    [delivery] = deliver(action)

    _assert_refused_for_its_name(delivery, "Email; DROP")
    assert sf.data_requests() == []
    assert sf.records("Lead") == []


def test_a_mapped_field_name_no_org_can_have_fails_the_delivery(sf, destination, source):
    action = make_action(
        destination, "lead", "create", other_fields=[{"field": "Bad__Name", "mapping": path("traits.x")}]
    )
    send(source, identify("u", last_name="L", company="C", x="1"))
    sf.reset_calls()

    [delivery] = deliver(action)

    _assert_refused_for_its_name(delivery, "Bad__Name")
    assert sf.data_requests() == []


def test_a_bulk_external_id_name_no_org_can_have_fails_the_delivery(sf, destination, source):
    action = bulk_upsert(destination, batch_size=1)
    action.bulk_upsert_external_id = {"field": "Ext Id", "mapping": path("userId")}
    action.save()
    send(source, identify("u", last_name="L", email="a@x.io"))
    sf.reset_calls()

    [delivery] = deliver_bulk(sf, action)

    _assert_refused_for_its_name(delivery, "Ext Id")
    assert sf.data_requests() == []


def test_data_out_json_shows_the_refusal_without_a_salesforce_status(sf, destination, source):
    action = make_action(destination, "lead", "upsert", matchers=[("Email; DROP", path("traits.email"))])
    send(source, identify("u", last_name="L", company="C", email="a@x.io"))
    deliver(action)
    out = StringIO()

    call_command("data_out", "--json", "--attempts", stdout=out)

    [row] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (row["status"], row["salesforce_status"], row["refused_before_sending"]) == ("failed", None, True)
    assert row["error_code"] == "INVALID_FIELD_NAME"
    assert '"Email; DROP" is not a Salesforce field name' in row["error_message"]
    assert row["attempt_log"][0]["requests"] == []


FORCED: dict[str, tuple[dict[str, Any], str]] = {
    "an operation that is none": (
        {"operation": "merge", "matchers": [("Email", path("traits.email"))]},
        'Choose an operation: create, update, upsert or delete; got "merge".',
    ),
    "an operator that is none": (
        {"operation": "upsert", "matchers": [("Email", path("traits.email"))], "matcher_operator": "NOR"},
        'The record matchers operator is OR or AND; got "NOR".',
    ),
    "an update without a matcher": (
        {"operation": "update", "matchers": []},
        "An action that can update needs a record matcher to find the record.",
    ),
}


@pytest.mark.parametrize("case", FORCED)
def test_a_configuration_the_editor_refuses_fails_each_delivery_with_the_same_reason(
    sf, destination, source, case
):
    forced, message = FORCED[case]
    settings = dict(forced)
    action = make_action(destination, "lead", settings.pop("operation"), **settings)
    send(source, identify("u", last_name="L", company="C", email="a@x.io"))
    sf.reset_calls()

    [delivery] = deliver(action)

    assert (delivery.status, delivery.error_code) == (Status.FAILED, "INVALID_CONFIGURATION")
    assert (delivery.status_code, delivery.refused_before_sending) == (None, True)
    assert message in delivery.error_message
    assert sf.data_requests() == []
    assert sf.records("Lead") == []
