"""How much text one evaluation of a mapping may build.

@replace multiplies its input (every "a" replaced by 1,000 characters, and
that replaced again), and @template and @json repeat what they read, so a
short mapping could build gigabytes from one event. Each evaluation has a
budget: all the text its directives build together may be at most
MAX_RESULT_CHARS characters, and each directive's own result at most that
or the Salesforce field's length, when smaller (intermediate results, such
as a @template inside a @case, count once towards the total, never against
the field). A directive about to pass either raises MappingTooLarge; the
total is checked before the text is built. Pure: no Django, no I/O.
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
    result: int  # one directive's result
    total: int = MAX_RESULT_CHARS  # all the text of one evaluation
    spent: int = 0

    def spend(self, directive: str, size: int) -> None:
        if size > self.total - self.spent:
            raise MappingTooLarge(directive, self.spent + size, self.total)
        self.spent += size

    def check_result(self, directive: str, size: int) -> None:
        if size > self.result:
            raise MappingTooLarge(directive, size, self.result)


_current: ContextVar[Budget | None] = ContextVar("mapping_budget", default=None)


@contextmanager
def budget(limit: int) -> Iterator[Budget]:
    """Run an evaluation whose directives' results are at most ``limit`` characters, unless one is running."""
    running = _current.get()
    if running is not None:
        yield running
        return
    fresh = Budget(result=min(limit, MAX_RESULT_CHARS))
    token = _current.set(fresh)
    try:
        yield fresh
    finally:
        _current.reset(token)


def _running() -> Budget:
    return _current.get() or Budget(result=MAX_RESULT_CHARS)


def spend(directive: str, size: int) -> None:
    """Count ``size`` characters a directive is about to build; raises MappingTooLarge past the total."""
    _running().spend(directive, size)


def check_result(directive: str, size: int) -> None:
    """Raise MappingTooLarge when a directive's result of ``size`` characters is longer than allowed."""
    _running().check_result(directive, size)
