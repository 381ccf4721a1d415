"""Accepting messages: validate, deduplicate and store in one transaction.

The caller answers the client only after ``accept`` returns, i.e. after the
commit, so an acknowledged event is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from deliveries.doorbell import ring
from deliveries.router import route
from sources import dedup, rejections
from sources.lock_waits import bounded_transaction
from sources.messages import (
    InvalidMessage,
    Message,
    Rejection,
    normalize,
    split_request,
)
from sources.models import Event, Source

# A concurrent request can store the same messageId between our check and our
# insert (on databases that let two writers run at once); trying again then
# finds it stored and counts it as a duplicate.
_STORE_ATTEMPTS = 3


@dataclass
class IntakeResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "success": True,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [r.as_dict() for r in self.rejected],
        }


def validate(
    body: Any, implied_type: str | None, received_at: datetime
) -> tuple[list[Message], list[Rejection]]:
    """The valid messages of a request body and the reasons for the others.

    Raises ``InvalidRequest`` when the body as a whole is unusable.
    """
    raw_messages, envelope = split_request(body, implied_type)
    valid: list[Message] = []
    rejected: list[Rejection] = []
    for index, raw in enumerate(raw_messages):
        try:
            valid.append(
                normalize(raw, implied_type=implied_type, envelope=envelope, received_at=received_at)
            )
        except InvalidMessage as exc:
            rejected.append(Rejection(index, _raw_message_id(raw), exc.reason, _raw_type(raw, implied_type)))
    return valid, rejected


def _raw_message_id(raw: Any) -> str | None:
    value = raw.get("messageId") if isinstance(raw, dict) else None
    return str(value)[:255] if isinstance(value, str | int) and not isinstance(value, bool) else None


def _raw_type(raw: Any, implied_type: str | None) -> str | None:
    value = raw.get("type") if isinstance(raw, dict) else None
    return value[:20] if isinstance(value, str) else implied_type


def store(
    source: Source, messages: list[Message], rejected: list[Rejection] | None = None
) -> tuple[int, int]:
    """Store the messages not seen before and count the request's outcomes; returns (stored, duplicates).

    The rejected messages are counted and kept as examples in the same transaction.
    """
    for attempt in range(_STORE_ATTEMPTS):
        try:
            with bounded_transaction():
                stored, duplicates = _store_once(source, messages) if messages else (0, 0)
                rejections.keep(source, rejected or [], timezone.now())
                # Last, so that the row of totals is locked only for the commit.
                rejections.count(source, accepted=stored, duplicates=duplicates, rejected=len(rejected or []))
                return stored, duplicates
        except IntegrityError:
            if attempt == _STORE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _store_once(source: Source, messages: list[Message]) -> tuple[int, int]:
    known = dedup.seen(source, {m.message_id for m in messages})
    new_events = []
    for message in messages:
        if message.message_id in known:
            continue
        known.add(message.message_id)
        new_events.append(_event(source, message))
    Event.objects.bulk_create(new_events)
    dedup.remember(new_events)
    # In the same transaction: an acknowledged event always has its deliveries.
    ring(route(source, new_events))
    return len(new_events), len(messages) - len(new_events)


def _event(source: Source, message: Message) -> Event:
    return Event(
        source=source,
        message_id=message.message_id,
        type=message.type,
        name=message.name or "",
        user_id=message.user_id or "",
        anonymous_id=message.anonymous_id or "",
        group_id=message.group_id or "",
        email=message.email or "",
        timestamp=message.timestamp,
        received_at=message.received_at,
        payload=message.payload,
    )


def accept(source: Source, body: Any, implied_type: str | None, *, strict: bool = False) -> IntakeResult:
    """Validate and store a request's messages.

    In strict mode a request with any invalid message stores nothing; the
    caller turns the rejections into a 400.
    """
    valid, rejected = validate(body, implied_type, timezone.now())
    result = IntakeResult(rejected=rejected)
    if strict and rejected:
        # Nothing is stored, but the rejections are counted and listed on the source page.
        store(source, [], rejected)
        return result
    if valid or rejected:
        result.accepted, result.duplicates = store(source, valid, rejected)
    return result
