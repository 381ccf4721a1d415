"""The editor's live trigger check: is the text readable, and how many recent events it takes (no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from actions.triggers import TriggerSyntaxError, compile_trigger, generate, parse


@dataclass(frozen=True)
class TriggerCheck:
    text: str
    error: str = ""
    # Where the error is (0-based), to point at it under the text.
    position: int | None = None
    canonical: str = ""
    matched: int = 0
    looked_at: int = 0

    @property
    def empty(self) -> bool:
        return not self.text.strip()

    @property
    def pointer(self) -> str:
        """The line of the text with the error, and a caret under the column."""
        if self.position is None:
            return ""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = self.text[start : end if end >= 0 else len(self.text)]
        return f"{line}\n{' ' * (self.position - start)}^"


def check(text: str, events: Iterable[Mapping[str, Any]]) -> TriggerCheck:
    """Parse ``text`` and count the events it matches."""
    if not text.strip():
        return TriggerCheck(text)
    try:
        tree = parse(text)
    except TriggerSyntaxError as exc:
        return TriggerCheck(text, error=exc.message, position=exc.position)
    matches = compile_trigger(text)
    sample = list(events)
    return TriggerCheck(
        text,
        canonical=generate(tree),
        matched=sum(1 for event in sample if matches(event)),
        looked_at=len(sample),
    )
