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


HOSTILE_TEXTS = [
    'it\'s "quoted" \\ back\\slash',
    "%s %(name)s {0} $1 ?",
    "'); DELETE FROM deliveries_delivery; --",
    "line\nbreak\ttab\r",
    "accents é ß 漢字 and 🚀 astral",
    "\\u0041 is not A",
]


def test_update_and_insert_keep_hostile_text_and_exact_times_as_they_are(sf, destination, source):
    # Values travel to the database as data, never as statement text: what an
    # event or a Salesforce answer put in a field is stored character for character.
    action = make_action(destination, "lead", "create")
    send(source, *(identify(f"u{n}", last_name="L", company="C") for n in range(len(HOSTILE_TEXTS))))
    deliveries = list(Delivery.objects.filter(action=action).order_by("id"))
    moment = timezone.now().replace(microsecond=123456)
    for delivery, text in zip(deliveries, HOSTILE_TEXTS, strict=True):
        delivery.error_message = text
        delivery.error_fields = [text, {"nested": text}]  # type: ignore[list-item]
        delivery.first_attempt_at = moment

    update_each(deliveries, ["error_message", "error_fields", "first_attempt_at"])
    calls = [
        SalesforceCall(
            destination=destination, request={"body": text}, response={"t": text}, created_at=moment
        )
        for text in HOSTILE_TEXTS
    ]
    insert_each(calls)

    assert Delivery.objects.count() == len(HOSTILE_TEXTS)
    stored = list(
        Delivery.objects.filter(action=action).order_by("id").values_list("error_message", "error_fields")
    )
    assert stored == [(text, [text, {"nested": text}]) for text in HOSTILE_TEXTS]
    assert set(Delivery.objects.values_list("first_attempt_at", flat=True)) == {moment}
    by_pk = {c.pk: (c.request, c.response, c.created_at) for c in SalesforceCall.objects.all()}
    assert [by_pk[c.pk] for c in calls] == [({"body": t}, {"t": t}, moment) for t in HOSTILE_TEXTS]


def test_ids_in_selects_exactly_the_listed_rows(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, *(identify(f"u{n}", last_name="L", company="C") for n in range(6)))
    ids = list(Delivery.objects.filter(action=action).order_by("id").values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        changed = Delivery.objects.filter(pk__in=saving.ids_in(ids[1:4])).update(error_code="X")

    assert changed == 3
    assert (
        list(Delivery.objects.filter(error_code="X").order_by("id").values_list("pk", flat=True)) == ids[1:4]
    )
    # On PostgreSQL the ids are one parameter, not one placeholder each.
    if connection.vendor == "postgresql":
        assert queries.captured_queries[0]["sql"].count("::bigint[]") == 1
