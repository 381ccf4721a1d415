"""The trace of one HTTP call to Salesforce, as the Data Out record keeps it.

A ``Call`` never holds a token: the ``Authorization`` header is the only
place a token travels, and it is not recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# "api-usage=18/5000", possibly followed by "; per-app-api-usage=17/250(appName=x)".
_API_USAGE = re.compile(r"(?:^|[;,\s])api-usage=(\d+)/(\d+)")


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # /services/data/v62.0/composite/sobjects
    query: str  # the URL's query string exactly as sent ("" when none)
    request_body: Any  # the JSON sent, as Python data; None without a body
    status: int | None  # None: no HTTP answer (timeout, dropped connection)
    response_body: Any  # parsed JSON; text when the answer was not JSON; None when empty
    duration_ms: int
    counted: bool  # counted against the org's daily API quota
    api_usage: tuple[int, int] | None  # (used, max) from Sforce-Limit-Info


def parse_api_usage(headers: Mapping[str, str]) -> tuple[int, int] | None:
    """(used, max) from a ``Sforce-Limit-Info`` header, or None when absent or unreadable."""
    value = next((v for k, v in headers.items() if k.lower() == "sforce-limit-info"), None)
    if value is None:
        return None
    found = _API_USAGE.search(value)
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2))


def is_counted(status: int | None, error_code: str) -> bool:
    """Whether Salesforce charged the call to the org's daily allocation.

    Salesforce counts calls it authenticated and accepted: not those that got
    no answer, not 401s, not the refusals for a spent quota, not 5xx answers
    from a server that did not take the call. This is an estimate (Salesforce
    does not say per call); ``Sforce-Limit-Info`` gives the org's real total.
    """
    if status is None or status == 401 or status >= 500:
        return False
    return error_code != "REQUEST_LIMIT_EXCEEDED"
