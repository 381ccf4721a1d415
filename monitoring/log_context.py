"""The ids a log line is about (workspace, destination, action, delivery), carried in contextvars.

Set by the sender, the intake and the views for the work they do, read by
the JSON log format; a thread or task starts with none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

NAMES = ("workspace", "destination", "action", "delivery")
_IDS: ContextVar[dict[str, str] | None] = ContextVar("log_ids", default=None)


def current() -> dict[str, str]:
    """The ids in context now."""
    return dict(_IDS.get() or {})


@contextmanager
def bound(**ids: Any) -> Iterator[None]:
    """Add ids to the context for the ``with`` block (a None id is left out)."""
    unknown = set(ids) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown log context ids: {sorted(unknown)}")
    token = _IDS.set(current() | {name: str(value) for name, value in ids.items() if value is not None})
    try:
        yield
    finally:
        _IDS.reset(token)
