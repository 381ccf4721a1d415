"""What happened to one delivery in one attempt (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Result(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    MULTIPLE_MATCHES = "multiple_matches"
    # Transient: tried again later by the retry policy.
    RETRY = "retry"
    # The org's API quota is spent: the destination pauses; no retry is spent.
    RATE_LIMITED = "rate_limited"
    # The destination cannot authenticate: held until it is reconnected.
    HELD = "held"
    # A write was sent and no answer came: Salesforce may have carried it
    # out, or may still be carrying it out. Never sent again blindly.
    UNKNOWN = "unknown"
    # The sender ran out of time before sending it: still due, no try spent.
    NOT_SENT = "not_sent"


@dataclass(eq=False)
class SharedCall:
    """A call made for several deliveries at once (a chunk's lookup): one object for all of them.

    Compared by identity: the same object in two outcomes is the same call,
    which the attempt records store once.
    """

    request: dict[str, Any]
    response: dict[str, Any]
    duration_ms: int | None = None


@dataclass
class Outcome:
    result: Result
    status_code: int | None = None
    record_id: str = ""
    created: bool | None = None
    error_code: str = ""
    message: str = ""
    fields: list[str] = field(default_factory=list)
    retry_after: float | None = None
    # This delivery's part of every call made for it: [{"method", "path", "body"}].
    requests: list[dict[str, Any]] = field(default_factory=list)
    # The answers, in the same order: [{"status", "body"}].
    responses: list[dict[str, Any]] = field(default_factory=list)
    api_calls: float = 0.0
    # The calls of ``requests``/``responses`` made for other deliveries too, in order.
    shared: list[SharedCall] = field(default_factory=list)
    # Where they are in ``requests``/``responses``; None: at their head.
    shared_at: list[int] | None = None
    # Refused by our own checks before anything was sent for it: Salesforce
    # never saw it, so it carries no Salesforce status (``status_code`` None).
    refused_before_sending: bool = False
    # Multiple matches: the records that matched (at most ``MATCHES_KEPT``).
    matched_record_ids: list[str] = field(default_factory=list)


# A matcher as loose as a company name can match thousands of records; the
# message gives their number, and this many are kept to be listed.
MATCHES_KEPT = 50


def refused(error_code: str, message: str, fields: list[str] | None = None) -> Outcome:
    """A delivery our own checks refused before sending anything (no Salesforce status)."""
    return Outcome(
        Result.FAILED,
        None,
        error_code=error_code,
        message=message,
        fields=list(fields or []),
        refused_before_sending=True,
    )
