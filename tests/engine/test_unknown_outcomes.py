"""A write slower than the client's patience: never sent again blindly, never doubled.

The emulator, like Salesforce, carries a request out even after the client
gave up on it (a ``latency`` fault delays the write, then makes it).
"""

from __future__ import annotations

import time

import pytest

from deliveries.models import Attempt, Status
from deliveries.recording import OUTCOME_UNKNOWN
from tests.engine.conftest import deliver, identify, make_action, path, send

SLOW_WRITE = 1.5


@pytest.fixture
def impatient(settings):
    """A client that gives up on a write long before the emulator answers it."""
    settings.SALESFORCE_WRITE_TIMEOUT_SECONDS = 0.4
    settings.SALESFORCE_REQUEST_TIME_LIMIT_SECONDS = SLOW_WRITE + 0.5


def _slow_creates(sf):
    sf.control(
        "POST",
        "/faults",
        json={
            "kind": "latency",
            "path": "/composite/sobjects",
            "method": "POST",
            "seconds": SLOW_WRITE,
            "count": 1,
        },
    )


def _wait_for_leads(sf, count):
    for _ in range(1000):
        if len(sf.records("Lead")) >= count:
            return
        time.sleep(0.01)
    raise AssertionError("the slow write never completed")


def test_a_create_of_unknown_outcome_is_reported_and_not_sent_again(sf, destination, source, impatient):
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    send(
        source,
        identify("u1", last_name="One", company="Acme"),
        identify("u2", last_name="Two", company="Acme"),
    )
    _slow_creates(sf)

    deliveries = deliver(action)

    assert {(d.status, d.error_code) for d in deliveries} == {(Status.FAILED, OUTCOME_UNKNOWN)}
    assert all(d.error_message.startswith("Outcome unknown — the record may exist") for d in deliveries)
    _wait_for_leads(sf, 2)
    deliver(action)
    # The slow request made them; nothing made them again.
    assert sorted(r["LastName"] for r in sf.records("Lead")) == ["One", "Two"]


def test_an_upsert_of_unknown_outcome_waits_then_finds_what_the_first_request_made(
    sf, destination, source, impatient
):
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(source, identify("u1", last_name="One", company="Acme", email="one@x.io"))
    _slow_creates(sf)

    [waiting] = deliver(action)

    assert (waiting.status, waiting.error_code) == (Status.RETRYING, "TIMEOUT")
    # Not before Salesforce can no longer be working on the first request.
    attempt = Attempt.objects.get(delivery=waiting)
    assert (waiting.due_at - attempt.started_at).total_seconds() >= SLOW_WRITE
    assert deliver(action)[0].status == Status.RETRYING
    _wait_for_leads(sf, 1)
    while waiting.due_at > waiting.due_at.now(waiting.due_at.tzinfo):
        time.sleep(0.05)

    [delivered] = deliver(action)

    assert (delivered.status, delivered.created_record) == (Status.DELIVERED, False)
    [lead] = sf.records("Lead")
    assert delivered.record_id == lead["Id"]
