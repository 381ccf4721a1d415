"""Which kinds of event no enabled action would take, for the Actions tab's banner.

Each trigger is tried against a typical message of the type; an action
whose trigger cannot be read takes nothing, as at routing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from actions.triggers import TriggerSyntaxError, compile_trigger

# Plain messages of the types a CRM destination usually needs to take.
TYPICAL: dict[str, dict[str, Any]] = {
    "identify": {"type": "identify", "userId": "user-1", "traits": {"email": "ada@example.com"}},
    "group": {"type": "group", "userId": "user-1", "groupId": "group-1", "traits": {"name": "Acme"}},
}


def untaken_types(triggers: Iterable[str]) -> list[str]:
    """The message types in ``TYPICAL`` that none of ``triggers`` matches."""
    checks = []
    for text in triggers:
        if not text.strip():
            continue
        try:
            checks.append(compile_trigger(text))
        except TriggerSyntaxError:
            continue
    return [kind for kind, message in TYPICAL.items() if not any(check(message) for check in checks)]
