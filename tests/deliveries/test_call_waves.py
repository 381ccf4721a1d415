"""Waves of concurrent calls: bounded, in order, never two writes of one record at once."""

from __future__ import annotations

import threading
from functools import partial

import pytest

from deliveries.concurrent_calls import Waves, waves_of


def test_waves_hold_at_most_the_limit_in_order():
    assert waves_of(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]


def test_two_writes_of_one_record_never_share_a_wave():
    batches = [{"a", "b"}, {"c"}, {"b", "d"}, {"e"}, {"a"}]

    waves = waves_of(batches, 8, keys=lambda batch: batch)

    assert [item for wave in waves for item in wave] == batches  # order kept
    for wave in waves:
        keys = [key for batch in wave for key in batch]
        assert len(keys) == len(set(keys))
    assert waves == [[{"a", "b"}, {"c"}], [{"b", "d"}, {"e"}, {"a"}]]


def test_a_wave_runs_its_calls_at_once_and_hands_back_errors_and_errands():
    owner = threading.current_thread()
    barrier = threading.Barrier(3, timeout=5)
    seen_on: list[threading.Thread] = []

    def call(n: int) -> int:
        barrier.wait()  # only returns once all three run at the same time
        if n == 2:
            raise ValueError("boom")

        def errand() -> int:
            seen_on.append(threading.current_thread())
            return n * 10

        return waves.on_sender_thread(errand)

    with Waves(3, list) as waves:
        ends = waves.run([partial(call, n) for n in range(3)])

    assert [end.value for end in ends] == [0, 10, None]
    assert isinstance(ends[2].error, ValueError)
    assert seen_on == [owner, owner]
    with pytest.raises(ValueError, match="at most 3"):
        Waves(3, list).run([lambda: 1] * 4)


def test_a_limit_of_one_runs_on_the_callers_thread():
    with Waves(1, list) as waves:
        [end] = waves.run([threading.current_thread])
    assert end.value is threading.current_thread()
