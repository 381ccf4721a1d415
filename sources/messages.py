"""Validating and normalising incoming messages (pure: no Django, no I/O).

The rules follow the tracking APIs that the Customer.io and Segment client
libraries speak: a ``null`` is the same as an absent key, the batch envelope's
``context`` and ``integrations`` apply to every message (the message's own
keys win), the server sets ``receivedAt`` and fills ``messageId`` and
``timestamp`` when the client left them out.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MESSAGE_TYPES = ("identify", "track", "page", "screen", "group", "alias")
MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_MESSAGES = 2500
MAX_ID_LENGTH = 255
_ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId")
_OBJECT_FIELDS = ("context", "integrations", "traits", "properties")


class InvalidMessage(Exception):
    """One message cannot be accepted; ``reason`` says why, for the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidRequest(Exception):
    """The request as a whole cannot be accepted."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Envelope:
    """Batch-level values that apply to every message of the batch."""

    context: Mapping[str, Any] | None = None
    integrations: Mapping[str, Any] | None = None
    sent_at: str | None = None


@dataclass(frozen=True)
class Message:
    """A message ready to be stored: the whole payload and its indexed fields."""

    payload: dict[str, Any]
    type: str
    message_id: str
    timestamp: datetime
    received_at: datetime
    user_id: str | None
    anonymous_id: str | None
    group_id: str | None
    name: str | None
    email: str | None


@dataclass(frozen=True)
class Rejection:
    index: int
    message_id: str | None
    reason: str
    # The message's type as sent, when it is text (kept for the source page, not answered).
    type: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "messageId": self.message_id, "reason": self.reason}


def drop_nulls(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level keys of ``obj`` whose value is not null.

    Nulls nested in traits or properties are kept: there they are data (an
    action may be told to clear a Salesforce field on null).
    """
    return {key: value for key, value in obj.items() if value is not None}


def split_request(body: Any, implied_type: str | None) -> tuple[list[Any], Envelope]:
    """The raw messages of a request body and the envelope they share.

    ``implied_type`` is the type named by a single-message endpoint
    (``/v1/track``), or None for ``/v1/batch``.
    """
    if not isinstance(body, dict):
        raise InvalidRequest("invalid_json", "The body must be a JSON object.")
    if implied_type is not None:
        return [body], Envelope()
    items = body.get("batch")
    if not isinstance(items, list):
        raise InvalidRequest("invalid_batch", "The body must have a 'batch' list of messages.")
    if len(items) > MAX_BATCH_MESSAGES:
        raise InvalidRequest(
            "too_many_messages",
            f"A batch may hold at most {MAX_BATCH_MESSAGES} messages; this one has {len(items)}.",
        )
    context, integrations = body.get("context"), body.get("integrations")
    for name, value in (("context", context), ("integrations", integrations)):
        if value is not None and not isinstance(value, dict):
            raise InvalidRequest("invalid_batch", f"The batch '{name}' must be an object.")
        try:
            storable_size(value)
        except InvalidMessage as exc:
            raise InvalidRequest("invalid_batch", f"The batch '{name}': {exc.reason}") from None
    sent_at = body.get("sentAt")
    return items, Envelope(context, integrations, sent_at if isinstance(sent_at, str) else None)


def normalize(raw: Any, *, implied_type: str | None, envelope: Envelope, received_at: datetime) -> Message:
    """Validate one message and return it ready to store.

    Raises ``InvalidMessage`` with a reason a developer can act on.
    """
    if not isinstance(raw, dict):
        raise InvalidMessage("A message must be a JSON object.")
    if storable_size(raw) > MAX_MESSAGE_BYTES:
        raise InvalidMessage(f"A message may be at most {MAX_MESSAGE_BYTES // 1024} KB.")
    message = drop_nulls(raw)
    # The write key authenticated the request; it is a secret, never stored.
    message.pop("writeKey", None)
    message_type = _message_type(message, implied_type)
    for name in _ID_FIELDS:
        _normalize_id(message, name)
    for name in _OBJECT_FIELDS:
        if name in message and not isinstance(message[name], dict):
            raise InvalidMessage(f"'{name}' must be an object.")
    _require_fields(message, message_type)
    message_id = _message_id(message)
    for name, shared in (("context", envelope.context), ("integrations", envelope.integrations)):
        if shared:
            message[name] = {**shared, **message.get(name, {})}
    if envelope.sent_at and "sentAt" not in message:
        message["sentAt"] = envelope.sent_at
    timestamp = _timestamp(message, received_at)
    message.update(
        type=message_type,
        messageId=message_id,
        timestamp=timestamp.isoformat(),
        receivedAt=received_at.isoformat(),
    )
    return Message(
        payload=message,
        type=message_type,
        message_id=message_id,
        timestamp=timestamp,
        received_at=received_at,
        user_id=message.get("userId"),
        anonymous_id=message.get("anonymousId"),
        group_id=message.get("groupId"),
        name=_display_name(message, message_type),
        email=_email(message),
    )


def storable_size(value: Any) -> int:
    """The UTF-8 size of ``value`` as JSON, refusing what no database stores.

    A lone surrogate cannot be encoded, and PostgreSQL refuses NUL characters
    in JSON: both would otherwise fail at commit time as a server error that
    the client retries for ever.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidMessage("The message holds text that is not valid Unicode.") from None
    if "\\u0000" in text and _holds_nul(value):
        raise InvalidMessage("The message holds a NUL character (\\u0000), which cannot be stored.")
    return size


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _message_type(message: dict[str, Any], implied_type: str | None) -> str:
    if implied_type is not None:
        return implied_type
    declared = message.get("type")
    if declared not in MESSAGE_TYPES:
        allowed = ", ".join(MESSAGE_TYPES)
        if declared is None:
            raise InvalidMessage(f"'type' is required in a batch; one of {allowed}.")
        raise InvalidMessage(f"'type' must be one of {allowed}; got {declared!r}.")
    return str(declared)


def _normalize_id(message: dict[str, Any], name: str) -> None:
    value = message.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidMessage(f"'{name}' must be a string.")
    text = value if isinstance(value, str) else _number_text(value)
    if not text.strip():
        del message[name]
        return
    if len(text) > MAX_ID_LENGTH:
        raise InvalidMessage(f"'{name}' may be at most {MAX_ID_LENGTH} characters.")
    message[name] = text


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _require_fields(message: dict[str, Any], message_type: str) -> None:
    has_person = "userId" in message or "anonymousId" in message
    if message_type in ("track", "page", "screen") and not has_person:
        raise InvalidMessage(f"A {message_type} message needs a 'userId' or an 'anonymousId'.")
    if message_type == "identify" and not has_person and not _email(message):
        raise InvalidMessage("An identify message needs a 'userId', an 'anonymousId' or 'traits.email'.")
    if message_type == "track":
        event = message.get("event")
        if not isinstance(event, str) or not event.strip():
            raise InvalidMessage("A track message needs an 'event' name.")
    if message_type == "group" and "groupId" not in message:
        raise InvalidMessage("A group message needs a 'groupId'.")
    if message_type == "alias" and ("previousId" not in message or "userId" not in message):
        raise InvalidMessage("An alias message needs a 'previousId' and a 'userId'.")
    if message_type in ("page", "screen") and not isinstance(message.get("name", ""), str):
        raise InvalidMessage("'name' must be a string.")


def _message_id(message: dict[str, Any]) -> str:
    value = message.get("messageId")
    if value is None or (isinstance(value, str) and not value.strip()):
        return str(uuid.uuid4())
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidMessage("'messageId' must be a string.")
    text = str(value)
    if len(text) > MAX_ID_LENGTH:
        raise InvalidMessage(f"'messageId' may be at most {MAX_ID_LENGTH} characters.")
    return text


def parse_timestamp(value: Any, field: str) -> datetime:
    """An ISO-8601 instant as an aware UTC datetime (naive input is read as UTC)."""
    if not isinstance(value, str):
        raise InvalidMessage(f"'{field}' must be an ISO-8601 date and time.")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidMessage(f"'{field}' must be an ISO-8601 date and time; got {value!r}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _timestamp(message: dict[str, Any], received_at: datetime) -> datetime:
    """When the event happened.

    A supplied ``timestamp`` is kept (backfills). Otherwise a client clock
    reading (``originalTimestamp`` with ``sentAt``) is corrected for the
    client's clock skew, as the hosted products do; else it is the time we
    received it.
    """
    if "timestamp" in message:
        return parse_timestamp(message["timestamp"], "timestamp")
    if "originalTimestamp" in message and "sentAt" in message:
        original = parse_timestamp(message["originalTimestamp"], "originalTimestamp")
        sent = parse_timestamp(message["sentAt"], "sentAt")
        return received_at - (sent - original)
    return received_at


def _display_name(message: dict[str, Any], message_type: str) -> str | None:
    value = message.get("event") if message_type == "track" else message.get("name")
    return value[:255] if isinstance(value, str) and value else None


def _email(message: dict[str, Any]) -> str | None:
    """The person's email, from wherever the message type usually carries it."""
    candidates = (
        message.get("traits"),
        message.get("properties"),
        (message.get("context") or {}).get("traits") if isinstance(message.get("context"), dict) else None,
    )
    for holder in candidates:
        if isinstance(holder, dict):
            email = holder.get("email")
            if isinstance(email, str) and email.strip():
                return email.strip()[:254]
    return None
