"""Injected failures: what a real org or its network does on a bad day.

A fault matches requests by path (a regular expression searched in the
path), method and host kind, and is armed either for the next ``count``
matching requests or for a time window. Kinds:

- ``503``: 503 SERVER_UNAVAILABLE, nothing done.
- ``500``: 500 UNKNOWN_EXCEPTION, nothing done.
- ``unable_to_lock_row``: 400 UNABLE_TO_LOCK_ROW, nothing done; with
  ``rows`` (indexes) on an sObject Collections call, only those rows fail.
- ``latency``: the request waits ``seconds`` first, then runs to its end even
  when the client has given up meanwhile, as Salesforce does (a write slower
  than the client's timeout still happens).
- ``drop_connection``: the socket is closed without a response.
- ``expire_tokens`` / ``revoke_tokens``: every access token of the org
  expires (or every token is revoked), then the request runs.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

KINDS = frozenset(
    {"503", "500", "unable_to_lock_row", "latency", "drop_connection", "expire_tokens", "revoke_tokens"}
)


@dataclass
class Fault:
    id: int
    kind: str
    path: str = ""
    method: str | None = None
    host: str | None = None
    count: int | None = None
    starts_at: float | None = None
    ends_at: float | None = None
    seconds: float = 0.0
    rows: list[int] | None = None
    status: int | None = None
    hits: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path)

    def armed(self, now: float) -> bool:
        if self.count is not None and self.count <= 0:
            return False
        if self.starts_at is not None and now < self.starts_at:
            return False
        return not (self.ends_at is not None and now >= self.ends_at)

    def matches(self, method: str, path: str, host: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.host and self.host != host:
            return False
        return self._pattern.search(path) is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "path": self.path,
            "method": self.method,
            "host": self.host,
            "count": self.count,
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
            "seconds": self.seconds,
            "rows": self.rows,
            "status": self.status,
            "hits": self.hits,
        }


class FaultSet:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(
        self,
        kind: str,
        *,
        path: str = "",
        method: str | None = None,
        host: str | None = None,
        count: int | None = None,
        seconds: float = 0.0,
        starts_in: float | None = None,
        duration: float | None = None,
        rows: list[int] | None = None,
        status: int | None = None,
    ) -> Fault:
        """Arm a fault. Without ``count`` or ``duration`` it stays armed until cleared.

        ``starts_in`` and ``duration`` (seconds from now) make a time window.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)}")
        if host not in (None, "login", "instance"):
            raise ValueError("host is 'login', 'instance' or absent")
        now = time.time()
        starts_at = now + starts_in if starts_in is not None else None
        ends_at = (starts_at or now) + duration if duration is not None else None
        with self._lock:
            fault = Fault(
                next(self._ids),
                kind,
                path=path,
                method=method,
                host=host,
                count=count,
                starts_at=starts_at,
                ends_at=ends_at,
                seconds=seconds,
                rows=rows,
                status=status,
            )
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str, host: str) -> list[Fault]:
        """The armed faults matching a request, each counted as used once."""
        now = time.time()
        taken = []
        with self._lock:
            for fault in self._faults:
                if fault.armed(now) and fault.matches(method, path, host):
                    if fault.count is not None:
                        fault.count -= 1
                    fault.hits += 1
                    taken.append(fault)
        return taken

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) < before

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def all(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
