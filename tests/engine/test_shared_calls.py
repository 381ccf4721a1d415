"""A chunk's shared lookup is stored once, and every view of an attempt reads as before."""

from __future__ import annotations

import json
import re

from django.db import connection

from deliveries import data_out
from deliveries.models import Attempt, Delivery, SalesforceCall, Status
from deliveries.pruning import prune_old_calls, prune_old_events
from tests.dashboard.data_out_support import delivery_url
from tests.engine.conftest import deliver, identify, make_action, path, seed_records, send


def _upserts_by_email(sf, destination, source, count: int) -> list[Delivery]:
    seed_records(destination, source, identify("u0", last_name="Old", company="C", email="u0@x.io"))
    action = make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    send(source, *(identify(f"u{n}", last_name="New", company="C", email=f"u{n}@x.io") for n in range(count)))
    sf.reset_calls()
    return deliver(action)


def _stored_text(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (names of our own tables)
        return "".join(str(value) for (value,) in cursor.fetchall())


def test_the_chunks_lookup_is_stored_once_and_read_back_in_every_attempt(sf, destination, source):
    deliveries = _upserts_by_email(sf, destination, source, 5)

    assert {d.status for d in deliveries} == {Status.DELIVERED}
    [lookup] = SalesforceCall.objects.all()
    assert lookup.request["method"] == "GET" and "SELECT" in lookup.request["soql"]
    assert lookup.response["body"] == {"totalSize": 1}
    attempts = list(Attempt.objects.filter(delivery__in=deliveries))
    assert len(attempts) == 5
    for attempt in attempts:
        assert attempt.shared_calls == [lookup.pk]
        [write] = attempt.own_requests
        assert write["method"] in ("POST", "PATCH")
        assert [r["method"] for r in attempt.requests] == ["GET", write["method"]]
        assert attempt.responses[0] == lookup.response
    # The query's text is in the calls table once, and nowhere in the attempts table.
    soql = lookup.request["soql"]
    assert _stored_text("deliveries_salesforcecall", "request").count(soql) == 1
    assert soql not in _stored_text("deliveries_attempt", "requests")


def test_a_failed_lookup_is_stored_once_with_its_error(sf, destination, source):
    sf.control("POST", "/faults", json={"kind": "500", "path": "/query", "count": 1})

    deliveries = _upserts_by_email(sf, destination, source, 3)

    assert {d.status for d in deliveries} == {Status.RETRYING}
    [lookup] = SalesforceCall.objects.all()
    assert lookup.response["status"] == 500
    for attempt in Attempt.objects.filter(delivery__in=deliveries):
        assert attempt.own_requests == []
        assert attempt.requests == [lookup.request] and attempt.responses == [lookup.response]


def _inline(attempt: Attempt) -> None:
    """The attempt as it was stored before calls were shared: its whole transcript in its own row."""
    whole_requests, whole_responses = attempt.requests, attempt.responses
    Attempt.objects.filter(pk=attempt.pk).update(
        own_requests=whole_requests, own_responses=whole_responses, shared_calls=[]
    )


def _page(client, delivery: Delivery) -> str:
    # The CSRF token is new on every page; the rest must be the same.
    html = client.get(delivery_url(delivery)).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]+', r"\1…", html)


def test_the_page_and_the_export_read_the_same_as_an_attempt_stored_whole(team, sf, destination, source):
    deliveries = _upserts_by_email(sf, destination, source, 3)
    delivery = deliveries[1]
    client = team.client_for("member")
    shared_page = _page(client, delivery)
    shared_rows = list(data_out.rows(Delivery.objects.filter(pk=delivery.pk), with_attempts=True))
    assert "SELECT" in shared_page

    _inline(Attempt.objects.get(delivery=delivery))
    SalesforceCall.objects.all().delete()

    whole_page = _page(client, delivery)
    whole_rows = list(data_out.rows(Delivery.objects.filter(pk=delivery.pk), with_attempts=True))
    assert whole_page == shared_page
    assert json.dumps(whole_rows) == json.dumps(shared_rows)


def test_pruning_keeps_the_calls_an_attempt_still_lists(sf, destination, source):
    deliveries = _upserts_by_email(sf, destination, source, 2)
    [lookup] = SalesforceCall.objects.all()
    # One delivery of the chunk is still waiting: its event, attempt and their lookup stay.
    Delivery.objects.filter(pk=deliveries[0].pk).update(status=Status.RETRYING)

    prune_old_events(days=-1)
    assert prune_old_calls(days=-1) == 0
    assert Attempt.objects.get(delivery=deliveries[0]).requests[0] == lookup.request

    Delivery.objects.filter(pk=deliveries[0].pk).update(status=Status.FAILED)
    prune_old_events(days=-1)
    assert prune_old_calls(days=-1) == 1
    assert not SalesforceCall.objects.exists()
