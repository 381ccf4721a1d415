"""Which lane of its action a delivery is sent in: a stable hash of the record it is about.

Deliveries about one record must share a lane, so that their order and the
no-duplicate guarantee hold when several senders work on one action at once.
The lane is decided at routing time from the event and the action's record
matcher, before the intake transaction opens (evaluating a mapping is
user-defined work), and stored on the delivery.

The key is coarser than Salesforce's equality, never finer: any two values
Salesforce takes for the same record get the same key (text without regard
to case or surrounding spaces, 15- and 18-character Ids alike, numbers by
value, every date or date-time alike), and a few values it tells apart may share a
lane, which costs nothing but a little spread.

- A create makes a new record per event: any lane (spread by event).
- One matcher (an external id, a matcher value, the record Id): its value.
- Several matchers: two events with different values may still find one
  record (one shares an email, the other a phone), so they all take lane 0.
- A Bulk action is flushed per action by one sender: lane 0.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from actions.mapping import MISSING, evaluate
from destinations.salesforce import ids

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)")


def lane_of(
    operation: str,
    matchers: Sequence[tuple[str, Any]],
    payload: Mapping[str, Any],
    lanes: int,
    spread: str = "",
) -> int:
    """The lane, from 0 to ``lanes - 1``, of a delivery of ``payload``.

    ``matchers`` are the action's (field, mapping) pairs; ``spread`` is what
    spreads creates over the lanes (the event's message id).
    """
    if lanes <= 1:
        return 0
    if operation == "create":
        return _hash(f"create\0{spread}", lanes)
    if len(matchers) != 1:
        return 0
    field, mapping = matchers[0]
    try:
        value = evaluate(mapping, payload)
    except Exception:
        # Routing must not fail for a lane: the sender evaluates the same
        # mapping and reports its error on the delivery. Any lane will do,
        # as long as it is always the same.
        return 0
    if value is MISSING or value is None or value == "":
        return 0
    return _hash(f"{field.lower()}\0{record_key(value)}", lanes)


def record_key(value: Any) -> str:
    """A text equal for every two values Salesforce takes for one record's matcher value."""
    text = str(value).lower() if isinstance(value, bool) else str(value).strip()
    if len(text) == 18 and ids.is_valid(text):
        # An Id's 18-character form names the same record as its first 15.
        text = text[:15]
    try:
        number: Decimal | None = Decimal(text)
    except (InvalidOperation, ValueError):
        number = None
    if number is not None and number.is_finite():
        return f"number:{number.normalize()}"
    if _DATE.match(text):
        # One instant has many spellings (time zones): every date shares a key.
        return "date"
    return f"text:{text.lower()}"


def _hash(key: str, lanes: int) -> int:
    # Stable across processes and Python versions (unlike hash()).
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % lanes
