"""An attempt's calls, made readable for the delivery page (pure).

The sender stores requests and responses without credentials already; this
is the second lock on that door: whatever is shown passes through
``redacted``, so a header or token that slipped into a stored call is still
never put on a page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

SECRET_KEYS = frozenset({"authorization", "access_token", "refresh_token", "client_secret", "password"})
REDACTED = "[redacted]"
# Deeper than intake lets an event nest: what lies below is not shown, so
# neither redaction nor indenting ever recurses past this many levels.
MAX_SHOWN_DEPTH = 64
TOO_DEEP = "[nested too deep to show]"


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    request_body: str
    status: int | None
    response_body: str
    # The SOQL a lookup ran (the URL carries it encoded, unreadable).
    soql: str = ""


def redacted(value: Any, depth: int = 1) -> Any:
    """``value`` with every secret-looking key's value replaced, at any depth shown.

    Objects and arrays nested deeper than MAX_SHOWN_DEPTH are replaced by a
    note (an event stored before intake capped nesting may be deeper).
    """
    if isinstance(value, dict | list) and depth > MAX_SHOWN_DEPTH:
        return TOO_DEEP
    if isinstance(value, dict):
        return {
            k: REDACTED if str(k).lower() in SECRET_KEYS else redacted(v, depth + 1) for k, v in value.items()
        }
    if isinstance(value, list):
        return [redacted(item, depth + 1) for item in value]
    return value


def pretty(value: Any) -> str:
    """A body as indented JSON; text that is not JSON stays as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return value
    return json.dumps(redacted(value), indent=2, ensure_ascii=False, sort_keys=False)


def exchanges(requests: list[dict[str, Any]], responses: list[dict[str, Any]]) -> list[Exchange]:
    """Each request next to its response (a request without an answer shows no status)."""
    result = []
    for index, request in enumerate(requests):
        response = responses[index] if index < len(responses) else {}
        result.append(
            Exchange(
                method=str(request.get("method", "")),
                path=str(request.get("path", "")),
                request_body=pretty(request.get("body")),
                status=response.get("status"),
                response_body=pretty(response.get("body")),
                soql=str(request.get("soql") or ""),
            )
        )
    return result
