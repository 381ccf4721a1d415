"""Reading an API budget as a person gives it (settings page, configuration file).

A budget is a share of the org's daily API limit, in whole percent from 1 to
100, or a fixed number of calls per 24 hours (at least 1; empty for none).
Each refusal names the value given.
"""

from __future__ import annotations

import re

MAX_CALLS = 100_000_000


class BadBudget(ValueError):
    """A budget value that cannot be used; the message says why, naming it."""


def percent(value: object) -> int:
    """The share of the org's limit, from a form's text or a file's number."""
    number = _whole(value, "The API budget share")
    if not 1 <= number <= 100:
        raise BadBudget(f"The API budget share must be from 1 to 100 %; {value!r} was given.")
    return number


def calls(value: object) -> int | None:
    """A fixed number of calls per 24 hours, or None (empty) for a share of the org's limit."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _whole(value, "The API budget in calls per 24 hours")
    if not 1 <= number <= MAX_CALLS:
        raise BadBudget(
            f"The API budget in calls per 24 hours must be from 1 to {MAX_CALLS:,} "
            f"(or empty for a share of the org's limit); {value!r} was given."
        )
    return number


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool):
        raise BadBudget(f"{what} must be a whole number; {value!r} was given.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,12}", value.strip()):
        return int(value.strip())
    raise BadBudget(f"{what} must be a whole number; {value!r} was given.")
