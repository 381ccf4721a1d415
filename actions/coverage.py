"""Which kinds of event no enabled action would take, for the Actions tab's banner.

Each trigger is tried against a typical message of the type; an action
whose trigger cannot be read takes nothing, as at routing. When an action
that would take the type exists but is switched off, the banner names it:
turning it on is the fix, not adding another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from actions.triggers import TriggerSyntaxError, compile_trigger

# Plain messages of the types a CRM destination usually needs to take.
TYPICAL: dict[str, dict[str, Any]] = {
    "identify": {"type": "identify", "userId": "user-1", "traits": {"email": "ada@example.com"}},
    "group": {"type": "group", "userId": "user-1", "groupId": "group-1", "traits": {"name": "Acme"}},
}


@dataclass(frozen=True)
class Candidate:
    """What the banner needs to know of one (live) action."""

    name: str
    trigger: str
    enabled: bool
    operation: str = ""


@dataclass(frozen=True)
class Gap:
    """A message type no enabled action takes, and the switched-off actions that would."""

    type: str
    off: tuple[str, ...] = ()


def gaps(actions: Iterable[Candidate]) -> list[Gap]:
    """The message types in ``TYPICAL`` that no enabled action with an operation takes."""
    checks = [(action, check) for action in actions if (check := _compiled(action.trigger)) is not None]
    found = []
    for kind, message in TYPICAL.items():
        takers = [action for action, check in checks if check(message)]
        if any(action.enabled and action.operation for action in takers):
            continue
        found.append(Gap(kind, tuple(action.name for action in takers if not action.enabled)))
    return found


def _compiled(text: str) -> Callable[[Any], bool] | None:
    if not text.strip():
        return None
    try:
        return compile_trigger(text)
    except TriggerSyntaxError:
        return None
