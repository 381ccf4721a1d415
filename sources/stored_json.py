"""Reading stored payloads that were accepted before intake capped nesting.

Intake now refuses messages nested deeper than it can handle, but an
install upgraded from before that may hold events nested hundreds of levels
deep. Python's JSON decoder recurses once per level, and how deep it can go
depends on how deep the stack already is (a page under several middlewares
reaches the limit sooner than a worker), so such a row could make any page
or task that loads it fail. It is read as a marker instead: the page shows
it, and the event's fields are simply missing from its mappings.
"""

from __future__ import annotations

import json
from typing import Any

UNREADABLE = "[nested too deep to show]"


class TolerantDecoder(json.JSONDecoder):
    """A JSON decoder that reads a value nested past the stack's reach as ``{UNREADABLE: true}``."""

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().decode(s, *args, **kwargs)
        except RecursionError:
            return {UNREADABLE: True}
