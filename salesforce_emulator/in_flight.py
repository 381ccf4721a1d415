"""How many data API requests an org is working on at once, and the most so far.

Salesforce limits an org's concurrent long-running requests; a test reads
the peak here (through the control API) to check a client never exceeds
the concurrency it was given, and that its calls do overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = 0
        self._peak = 0

    @contextmanager
    def counted(self) -> Iterator[None]:
        with self._lock:
            self._now += 1
            self._peak = max(self._peak, self._now)
        try:
            yield
        finally:
            with self._lock:
                self._now -= 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"in_flight": self._now, "peak": self._peak}

    def reset_peak(self) -> None:
        """The peak starts again from the requests in flight now."""
        with self._lock:
            self._peak = self._now
