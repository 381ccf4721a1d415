"""Follow-ups handed to the queue on time, not at the cluster scheduler's 30-second beat."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule

from deliveries import followups

FUNC = "deliveries.tasks.send_action"
# The queue's scheduler closes the connection it finds inside a transaction,
# so these tests run outside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker():
    """The configured broker (database or Redis) on a queue of this test's own."""
    broker = get_broker(list_key=f"followups-test-{uuid.uuid4().hex}")
    # Only the follow-ups under test: the sweep's and prune's own schedules would be due too.
    Schedule.objects.exclude(func=FUNC).delete()
    yield broker
    broker.delete_queue()


def _follow_up(subject: str, seconds_from_now: float) -> None:
    followups._schedule(FUNC, subject, timezone.now() + timedelta(seconds=seconds_from_now))


def test_a_due_follow_up_goes_to_the_queue_and_is_done_with(broker):
    _follow_up("a1", -1)

    assert followups.run_due(broker) is True

    assert broker.queue_size() == 1
    assert not Schedule.objects.filter(func=FUNC).exists()


def test_a_follow_up_not_yet_due_waits(broker):
    _follow_up("a1", 30)

    assert followups.run_due(broker) is False

    assert broker.queue_size() == 0
    assert Schedule.objects.filter(func=FUNC).count() == 1


def test_asking_again_brings_a_follow_up_forward_and_keeps_one(broker):
    _follow_up("a1", 30)
    _follow_up("a1", -1)

    assert Schedule.objects.filter(func=FUNC).count() == 1
    assert followups.run_due(broker) is True
    assert broker.queue_size() == 1


def test_the_loop_hands_over_a_follow_up_that_comes_due_while_it_runs(broker):
    _follow_up("a1", 0.3)
    stop = threading.Event()
    loop = threading.Thread(target=followups.run_on_time, args=(stop, 0.05, broker))
    loop.start()
    try:
        # Waits for the event, not for a time: the queue's scheduler alone would take up to 30 s.
        for _ in range(200):
            if broker.queue_size():
                break
            time.sleep(0.05)
        assert broker.queue_size() == 1
    finally:
        stop.set()
        loop.join()
    assert not Schedule.objects.filter(func=FUNC).exists()
