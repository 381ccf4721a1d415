"""Writing fields of many rows: equal values share an UPDATE, every row gets its own values."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliveries import saving
from deliveries.models import Delivery, SalesforceCall, Status
from deliveries.saving import insert_each, save_fields, update_each
from tests.engine.conftest import identify, make_action, send


def test_it_writes_each_rows_own_values_with_one_update_per_distinct_set(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, *(identify(f"u{n}", last_name="L", company="C") for n in range(5)))
    deliveries = list(Delivery.objects.filter(action=action).order_by("id"))
    for n, delivery in enumerate(deliveries):
        delivery.status = Status.DELIVERED if n < 4 else Status.FAILED
        delivery.error_fields = [] if n < 4 else ["Company"]

    with CaptureQueriesContext(connection) as queries:
        save_fields(deliveries, ["status", "error_fields"])

    assert len(queries) == 2
    stored = list(Delivery.objects.filter(action=action).order_by("id").values_list("status", "error_fields"))
    assert stored == [(Status.DELIVERED, [])] * 4 + [(Status.FAILED, ["Company"])]


def test_it_does_nothing_for_no_rows():
    save_fields([], ["status"])


def test_update_each_writes_every_rows_own_values_in_one_statement(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, *(identify(f"u{n}", last_name="L", company="C") for n in range(5)))
    deliveries = list(Delivery.objects.filter(action=action).order_by("id"))
    for n, delivery in enumerate(deliveries):
        delivery.record_id = f"00Q{n:015d}"
        delivery.error_fields = [f"Field{n}", 'it\'s "quoted"']
        delivery.created_record = None if n == 0 else n % 2 == 0
        delivery.api_calls = n / 3

    with CaptureQueriesContext(connection) as queries:
        update_each(deliveries, ["record_id", "error_fields", "created_record", "api_calls"])

    assert len(queries) == 1
    stored = list(
        Delivery.objects.filter(action=action)
        .order_by("id")
        .values_list("record_id", "error_fields", "created_record", "api_calls")
    )
    assert stored == [
        (f"00Q{n:015d}", [f"Field{n}", 'it\'s "quoted"'], None if n == 0 else n % 2 == 0, n / 3)
        for n in range(5)
    ]


def test_insert_each_inserts_hundreds_of_rows_in_one_statement_and_gives_each_its_pk(destination):
    now = timezone.now()
    calls = [
        SalesforceCall(destination=destination, request={"n": n}, response={"status": 200}, created_at=now)
        for n in range(300)
    ]

    with CaptureQueriesContext(connection) as queries:
        insert_each(calls)

    assert len(queries) == 1
    assert len({call.pk for call in calls}) == 300
    stored = dict(SalesforceCall.objects.values_list("pk", "request"))
    assert [stored[call.pk] for call in calls] == [{"n": n} for n in range(300)]


def test_an_older_sqlite_gets_the_same_rows_written_the_older_way(destination, monkeypatch):
    monkeypatch.setattr(saving, "set_based", lambda: False)
    now = timezone.now()
    calls = [SalesforceCall(destination=destination, request={"n": n}, created_at=now) for n in range(3)]

    insert_each(calls)
    for call in calls:
        call.response = {"status": 200 + call.request["n"]}
    update_each(calls, ["response"])

    stored = dict(SalesforceCall.objects.values_list("pk", "response"))
    assert [stored[call.pk] for call in calls] == [{"status": 200}, {"status": 201}, {"status": 202}]
