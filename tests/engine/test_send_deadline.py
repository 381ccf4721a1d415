"""The sender works to a deadline checked before every call; the queue never kills it mid-write."""

from __future__ import annotations

from django.conf import settings

from deliveries import sender
from deliveries.models import Delivery, Status
from destinations.salesforce.transport import DEFAULT_TIMEOUT, longest_call
from tests.engine.conftest import deliver, identify, make_action, send


def test_a_chunk_that_outlives_the_deadline_is_cut_and_the_rest_goes_out_once(sf, destination, source):
    # One call at a time: the second call waits for the first (calls made at
    # once are checked the same way, per wave: tests/engine/test_concurrent_calls.py).
    destination.concurrent_calls = 1
    destination.save(update_fields=["concurrent_calls"])
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    # 201 creates: two Collections calls of at most 200 records.
    for start in range(0, 201, 100):
        send(
            source,
            *(
                identify(f"u{n}", last_name=f"L{n}", company="Acme")
                for n in range(start, min(start + 100, 201))
            ),
        )
    sf.control(
        "POST",
        "/faults",
        json={"kind": "latency", "path": "/composite/sobjects", "method": "POST", "seconds": 2.0, "count": 1},
    )

    sender.run(str(action.pk), max_seconds=1.2)

    after_first = list(Delivery.objects.filter(action=action).order_by("id"))
    assert [d.status for d in after_first] == [Status.DELIVERED] * 200 + [Status.PENDING]
    # The part not sent spent no try and is simply still due.
    assert (after_first[-1].attempts, after_first[-1].error_code) == (0, "")
    delivered = deliver(action)
    assert {d.status for d in delivered} == {Status.DELIVERED}
    names = sorted(r["LastName"] for r in sf.records("Lead"))
    assert names == sorted(f"L{n}" for n in range(201))


def test_the_queue_timeout_is_above_the_longest_a_sender_can_run():
    longest = settings.SENDER_MAX_RUN_SECONDS + longest_call(
        DEFAULT_TIMEOUT, settings.SALESFORCE_WRITE_TIMEOUT_SECONDS
    )

    assert settings.Q_CLUSTER["timeout"] >= longest + 60
    # A task is handed out again only once the first can no longer be running.
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    # A write waits as long as Salesforce may work on it.
    assert settings.SALESFORCE_WRITE_TIMEOUT_SECONDS > settings.SALESFORCE_REQUEST_TIME_LIMIT_SECONDS
