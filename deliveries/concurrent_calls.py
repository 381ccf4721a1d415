"""Running a chunk's Salesforce calls a few at a time, in waves.

A wave is at most ``limit`` calls started together on a thread pool and
waited for together. The caller decides, on its own thread, which calls a
wave holds: it checks its deadline and marks the writes it is about to make
before the wave starts, so a call never starts after the deadline and a
write is never on its way without its trace in the database.

Database work a call needs (a token refresh) is handed back to the
sender's thread, which serves it while it waits for the wave: the chunk's
database work stays on one connection, as it was when the calls ran one
after the other.

Each call runs with the chunk's trace gathering the calls of its own thread,
so every call's cost and answer are charged to the deliveries it carried.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from destinations.salesforce.calls import Call

T = TypeVar("T")


@dataclass
class Done(Generic[T]):
    """How one call of a wave ended: its value or its error, and the calls it made."""

    value: T | None
    error: BaseException | None
    calls: list[Call]
    seconds: float


class Waves:
    """A thread pool of ``limit`` threads for one chunk's calls (use it in a ``with``).

    With a limit of one, calls run on the caller's own thread, one at a time.
    """

    def __init__(self, limit: int, take_calls: Callable[[], list[Call]]) -> None:
        self.limit = max(1, limit)
        self._take_calls = take_calls
        self._owner = threading.current_thread()
        self._pool = (
            ThreadPoolExecutor(max_workers=self.limit, thread_name_prefix="chunk call")
            if self.limit > 1
            else None
        )
        # Ends of calls and errands for the owner's thread, in the order they come.
        self._inbox: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()

    def __enter__(self) -> Waves:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def run(self, calls: Sequence[Callable[[], T]]) -> list[Done[T]]:
        """Run up to ``limit`` calls at once; their ends, in the order given."""
        if len(calls) > self.limit:
            raise ValueError(f"a wave holds at most {self.limit} calls")
        if self._pool is None:
            return [self._one(call) for call in calls]
        for index, call in enumerate(calls):
            self._pool.submit(self._posted, index, call)
        ends: dict[int, Done[T]] = {}
        while len(ends) < len(calls):
            index, message = self._inbox.get()
            if index < 0:
                errand, future = message
                _serve(errand, future)
            else:
                ends[index] = message
        return [ends[index] for index in range(len(calls))]

    def on_sender_thread(self, errand: Callable[[], T]) -> T:
        """Run ``errand`` on the thread that owns the waves (now, if called there)."""
        if threading.current_thread() is self._owner or self._pool is None:
            return errand()
        future: Future[T] = Future()
        self._inbox.put((-1, (errand, future)))
        return future.result()

    def _posted(self, index: int, call: Callable[[], T]) -> None:
        try:
            done = self._one(call)
        except BaseException as exc:
            # Whatever happens, the owner waiting for this call hears of its end.
            done = Done(None, exc, [], 0.0)
        self._inbox.put((index, done))

    def _one(self, call: Callable[[], T]) -> Done[T]:
        self._take_calls()  # whatever an earlier call of this thread left
        started = time.monotonic()
        try:
            value, error = call(), None
        except Exception as exc:  # handed back to the caller's thread
            value, error = None, exc
        return Done(value, error, self._take_calls(), time.monotonic() - started)


def _serve(errand: Callable[[], Any], future: Future[Any]) -> None:
    try:
        future.set_result(errand())
    except Exception as exc:
        future.set_exception(exc)


def waves_of(items: Sequence[T], limit: int, keys: Callable[[T], set[Any]] | None = None) -> list[list[T]]:
    """``items`` cut into waves of at most ``limit``, in order.

    With ``keys`` (the records an item writes), two items that share a key
    are never in one wave: writes about one record never run at once.
    """
    waves: list[list[T]] = []
    wave: list[T] = []
    seen: set[Any] = set()
    for item in items:
        mine = keys(item) if keys is not None else set()
        if len(wave) >= limit or (mine & seen):
            waves.append(wave)
            wave, seen = [], set()
        wave.append(item)
        seen |= mine
    if wave:
        waves.append(wave)
    return waves
