"""How much text one evaluation of a mapping may build.

@replace multiplies its input (every "a" replaced by 1,000 characters, and
that replaced again), and @template and @json repeat what they read, so a
short mapping could build gigabytes from one event. Each evaluation has a
budget: all the text its directives build together may be at most
MAX_RESULT_CHARS characters, or the Salesforce field's length when that is
smaller. A directive about to pass it raises MappingTooLarge before it
builds anything. Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# 1 MB of text: far past any Salesforce field (a long text area holds 131,072).
MAX_RESULT_CHARS = 1_000_000


class MappingTooLarge(ValueError):
    """A directive would build more text than the evaluation may."""

    def __init__(self, directive: str, size: int, limit: int) -> None:
        super().__init__(
            f"{directive} would build {size:,} characters; a mapping's result may be at most "
            f"{limit:,} characters here."
        )
        self.directive, self.size, self.limit = directive, size, limit


@dataclass
class Budget:
    limit: int
    spent: int = 0

    def spend(self, directive: str, size: int) -> None:
        if size > self.limit - self.spent:
            raise MappingTooLarge(directive, self.spent + size, self.limit)
        self.spent += size


_current: ContextVar[Budget | None] = ContextVar("mapping_budget", default=None)


@contextmanager
def budget(limit: int) -> Iterator[Budget]:
    """Run an evaluation under a budget of ``limit`` characters, unless one is already running."""
    running = _current.get()
    if running is not None:
        yield running
        return
    fresh = Budget(limit)
    token = _current.set(fresh)
    try:
        yield fresh
    finally:
        _current.reset(token)


def spend(directive: str, size: int) -> None:
    """Count ``size`` characters a directive is about to build; raises MappingTooLarge past the budget."""
    running = _current.get()
    if running is None:
        Budget(MAX_RESULT_CHARS).spend(directive, size)
    else:
        running.spend(directive, size)
