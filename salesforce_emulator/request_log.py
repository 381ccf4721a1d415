"""What the emulator was asked and what it answered, for tests to read.

Secrets stay out: token values are replaced by their refs (``access#3``),
and OAuth form fields that carry secrets are masked in logged bodies.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

_SECRET_FORM_FIELDS = re.compile(r"\b(client_secret|refresh_token|code|code_verifier|token|password)=[^&]*")
_MAX_BODY = 65536


@dataclass
class LoggedRequest:
    id: int
    at: str
    org: str
    host: str  # "login" or "instance"
    method: str
    path: str
    query: str
    body: str
    status: int
    duration_ms: float
    token: str | None  # the token's ref, never the token
    user_id: str | None
    counted: bool
    fault: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def loggable_body(raw: bytes, content_type: str) -> str:
    """The body as text, secrets masked, cut to a sane size."""
    text = raw[:_MAX_BODY].decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        text = _SECRET_FORM_FIELDS.sub(lambda m: f"{m.group(1)}=***", text)
    return text


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
