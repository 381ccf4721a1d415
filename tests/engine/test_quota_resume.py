"""A spent request quota pauses the destination; once it is back, everything goes out once."""

from __future__ import annotations

import time

import pytest

from deliveries import sender
from deliveries.models import Attempt, Delivery, Status
from tests.engine.bulk_helpers import bulk_upsert, deliver_bulk
from tests.engine.conftest import deliver, identify, make_action, send


@pytest.fixture(autouse=True)
def _budget_out_of_the_way(destination):
    # About the org's own quota: a share of the tiny limit these tests set would hold first.
    destination.api_budget_calls = 1_000_000
    destination.save()


def _spend_quota(sf):
    sf.control("PATCH", "/limits", json={"max": sf.org.limits.used})


def _wait_out_the_pause(destination):
    destination.refresh_from_db()
    assert destination.paused_until is not None
    while destination.is_paused():
        time.sleep(0.05)


def test_it_resumes_after_the_pause_and_delivers_every_event_once(sf, destination, source, settings):
    settings.DELIVERY_QUOTA_PAUSE_SECONDS = 1
    settings.DELIVERY_CHUNK_SIZE = 2
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    send(source, *(identify(f"u{n}", last_name=f"L{n}", company="Acme") for n in range(5)))
    _spend_quota(sf)

    paused = deliver(action)

    # The first chunk met the spent quota; the paused destination sent nothing more.
    assert [d.status for d in paused] == [Status.RETRYING] * 2 + [Status.PENDING] * 3
    assert sf.records("Lead") == []
    sf.control("PATCH", "/limits", json={"max": None})
    _wait_out_the_pause(destination)

    delivered = deliver(action)

    assert {d.status for d in delivered} == {Status.DELIVERED}
    assert sorted(r["LastName"] for r in sf.records("Lead")) == [f"L{n}" for n in range(5)]
    assert [d.attempts for d in delivered] == [1] * 5
    # The paused try keeps its row in the history; the real send is the next one.
    first = delivered[0]
    assert list(Attempt.objects.filter(delivery=first).values_list("number", "outcome")) == [
        (1, Status.RETRYING),
        (2, Status.DELIVERED),
    ]


def test_a_bulk_action_resumes_after_the_pause_and_delivers_every_row_once(sf, destination, source, settings):
    settings.DELIVERY_QUOTA_PAUSE_SECONDS = 1
    action = bulk_upsert(destination, batch_size=3)
    send(source, *(identify(f"c{n}", last_name=f"L{n}") for n in range(3)))
    _spend_quota(sf)

    sender.run(str(action.pk))

    assert {d.status for d in Delivery.objects.filter(action=action)} == {Status.RETRYING}
    sf.control("PATCH", "/limits", json={"max": None})
    _wait_out_the_pause(destination)

    delivered = deliver_bulk(sf, action)

    assert {d.status for d in delivered} == {Status.DELIVERED}
    assert sorted(r["External_Id__c"] for r in sf.records("Contact")) == ["c0", "c1", "c2"]
