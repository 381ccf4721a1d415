"""The sender times each chunk it sends, against the emulator."""

from __future__ import annotations

from monitoring.models import ChunkBucket, ChunkTiming
from tests.engine.conftest import deliver, identify, make_action, send


def test_the_sender_records_the_duration_of_each_chunk_it_sends(destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="AE"))

    deliveries = deliver(action)

    assert [d.status for d in deliveries] == ["delivered"]
    timing = ChunkTiming.objects.get(action=action)
    assert timing.count == 1
    assert timing.sum_seconds > 0
    assert ChunkBucket.objects.get(action=action, le=300.0).count == 1


def test_nothing_is_timed_when_nothing_is_due(destination):
    action = make_action(destination, "lead", "create")

    deliver(action)

    assert not ChunkTiming.objects.filter(action=action).exists()


def test_a_chunk_is_sent_even_when_its_duration_cannot_be_recorded(destination, source, monkeypatch):
    from django.db import OperationalError

    from deliveries import sender

    def database_gone(*args):
        raise OperationalError("the database went away")

    monkeypatch.setattr(sender.chunk_timing, "record", database_gone)
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", email="ada@example.com", last_name="Lovelace", company="AE"))

    deliveries = deliver(action)

    assert [d.status for d in deliveries] == ["delivered"]
