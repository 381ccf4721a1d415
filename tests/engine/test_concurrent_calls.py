"""A chunk's lookups run at once, then its writes at once, never more than the destination allows."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliveries import execution, sender
from deliveries.models import Delivery, Status
from tests.engine.conftest import deliver, identify, make_action, path, send

SLOW = 0.4


def _allow(destination, calls: int) -> None:
    destination.concurrent_calls = calls
    destination.save(update_fields=["concurrent_calls"])


def _slow(sf, path_pattern: str, count: int, seconds: float = SLOW) -> None:
    sf.control(
        "POST", "/faults", json={"kind": "latency", "path": path_pattern, "seconds": seconds, "count": count}
    )


def _creates(source, count: int) -> None:
    for start in range(0, count, 100):
        send(
            source,
            *(
                identify(f"u{n}", last_name=f"L{n}", company="Acme")
                for n in range(start, min(start + 100, count))
            ),
        )


def _email_upserts(destination, source, count: int):
    """A Lead upsert matched on Email (one lookup per few events), and ``count`` events for it."""
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(
        source,
        *(identify(f"u{n}", last_name=f"L{n}", company="Acme", email=f"p{n}@x.io") for n in range(count)),
    )
    return action


@pytest.fixture
def short_lookups(monkeypatch):
    # A few addresses per lookup, so that a small chunk needs several lookups.
    monkeypatch.setattr(execution, "LOOKUP_LENGTH", 150)


def test_the_lookups_of_a_chunk_overlap_up_to_the_destinations_limit(sf, destination, source, short_lookups):
    _allow(destination, 3)
    action = _email_upserts(destination, source, 20)
    _slow(sf, "/query", count=100)
    sf.control("DELETE", "/concurrency")
    sf.reset_calls()

    delivered = deliver(action)

    lookups = [r for r in sf.data_requests() if r.path.endswith("/query")]
    # More lookups than may run at once: three at once, never four.
    assert len(lookups) > 3
    assert sf.control("GET", "/concurrency") == {"in_flight": 0, "peak": 3}
    assert {d.status for d in delivered} == {Status.DELIVERED}
    assert sorted(r["Email"] for r in sf.records("Lead")) == sorted(f"p{n}@x.io" for n in range(20))


def test_one_call_at_a_time_when_the_destination_allows_one(sf, destination, source, short_lookups):
    _allow(destination, 1)
    action = _email_upserts(destination, source, 12)
    _slow(sf, "/query", count=100, seconds=0.1)
    sf.control("DELETE", "/concurrency")

    deliver(action)

    assert sf.control("GET", "/concurrency")["peak"] == 1


def test_the_writes_of_a_chunk_overlap_and_each_record_is_written_once(sf, destination, source):
    _allow(destination, 2)
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    # 450 creates: three Collections calls, two at a time.
    _creates(source, 450)
    _slow(sf, "/composite/sobjects", count=3)
    sf.control("DELETE", "/concurrency")
    sf.reset_calls()

    delivered = deliver(action)

    assert sf.control("GET", "/concurrency") == {"in_flight": 0, "peak": 2}
    assert sf.api_calls() == 3
    assert {d.status for d in delivered} == {Status.DELIVERED}
    names = sorted(r["LastName"] for r in sf.records("Lead"))
    assert names == sorted(f"L{n}" for n in range(450))
    # Each delivery is charged its own call's share and keeps its own record's part.
    assert all(d.api_calls == pytest.approx(1 / 200) for d in delivered[:400])
    assert len({d.record_id for d in delivered}) == 450


def test_no_wave_starts_after_the_deadline(sf, destination, source):
    _allow(destination, 2)
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    # 401 creates: the first two calls go at once and outlive the deadline; the third is not started.
    _creates(source, 401)
    _slow(sf, "/composite/sobjects", count=2, seconds=2.0)

    sender.run(str(action.pk), max_seconds=1.2)

    after_first = list(Delivery.objects.filter(action=action).order_by("id"))
    assert [d.status for d in after_first] == [Status.DELIVERED] * 400 + [Status.PENDING]
    assert (after_first[-1].attempts, after_first[-1].error_code) == (0, "")
    assert {d.status for d in deliver(action)} == {Status.DELIVERED}
    assert len(sf.records("Lead")) == 401


def test_a_write_of_unknown_outcome_among_concurrent_writes_is_not_sent_again_blindly(
    sf, destination, source, settings
):
    settings.SALESFORCE_WRITE_TIMEOUT_SECONDS = 0.4
    settings.SALESFORCE_REQUEST_TIME_LIMIT_SECONDS = 2.0
    _allow(destination, 2)
    action = make_action(destination, "lead", "upsert", matchers=[("External_Id__c", path("userId"))])
    # 300 upserts: two Collections calls at once; one outlives the client's patience.
    for start in (0, 100, 200):
        send(
            source, *(identify(f"u{n}", last_name=f"L{n}", company="Acme") for n in range(start, start + 100))
        )
    _slow(sf, "/composite/sobjects", count=1, seconds=1.5)

    sender.send_chunk(str(action.pk))

    deliveries = list(Delivery.objects.filter(action=action))
    unknown = [d for d in deliveries if d.status != Status.DELIVERED]
    assert len(unknown) in (100, 200)
    assert {(d.status, d.error_code) for d in unknown} == {(Status.RETRYING, "TIMEOUT")}
    # Looked at again only once Salesforce can no longer be working on the write.
    assert all((d.due_at - d.attempt_log.get().started_at).total_seconds() >= 2.0 for d in unknown)
    sf.reset_calls()
    sender.run(str(action.pk))
    assert sf.api_calls() == 0
    _wait_for_leads(sf, 300)
    assert len(sf.records("Lead")) == 300


def _wait_for_leads(sf, count: int) -> None:
    for _ in range(1000):
        if len(sf.records("Lead")) >= count:
            return
        time.sleep(0.01)
    raise AssertionError("the slow write never completed")


def test_the_token_is_read_once_per_chunk_and_refreshed_once_for_all_its_calls(
    sf, destination, source, short_lookups
):
    _allow(destination, 4)
    action = _email_upserts(destination, source, 12)
    _slow(sf, "/query", count=100, seconds=0.2)
    sf.control("POST", "/tokens/expire")
    sf.reset_calls()

    with CaptureQueriesContext(connection) as queries:
        sender.send_chunk(str(action.pk))

    token_reads = [
        q
        for q in queries
        if q["sql"].startswith("SELECT")
        and 'FROM "destinations_destination"' in q["sql"]
        and "access_token" in q["sql"]
    ]
    # One read for the chunk's client, one under the refresh's row lock.
    assert len(token_reads) == 2
    refreshes = [r for r in sf.org.requests() if r.path.endswith("/oauth2/token")]
    assert len(refreshes) == 1
    assert {d.status for d in Delivery.objects.filter(action=action)} == {Status.DELIVERED}
