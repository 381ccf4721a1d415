"""The tracking API (``POST /v1/batch``, ``/v1/identify`` ...): HTTP only.

Answers are shaped for the client libraries: exactly 200 on success (the
Customer.io client treats any other 2xx as a failure), and every error a JSON
object with ``code`` and ``message`` (without them, that client retries a
4xx forever).
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from monitoring import log_context
from sources.intake import accept
from sources.keys import MalformedAuthorization, key_from_authorization
from sources.lock_waits import bounded_read
from sources.messages import InvalidRequest
from sources.models import Source
from sources.provisioning import source_for_key

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 500 * 1024
# What a 503 asks the client to wait (the Segment library honours it).
RETRY_AFTER_SECONDS = 5


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    response = JsonResponse({"code": code, "message": message, **extra}, status=status)
    if status == 405:
        response["Allow"] = "POST"
    return response


def _read_body(request: HttpRequest) -> bytes:
    """The request body, decompressed, refused past the size limit.

    The limit applies to the decompressed bytes, and decompression stops as
    soon as it is passed, so a small gzip bomb costs us nothing.
    """
    too_large = _Refused(
        413, "payload_too_large", f"A request may be at most {MAX_REQUEST_BYTES // 1024} KB."
    )
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise too_large
    raw = request.read(MAX_REQUEST_BYTES + 1)
    if len(raw) > MAX_REQUEST_BYTES:
        raise too_large
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding != "gzip":
        raise _Refused(400, "unsupported_encoding", "Content-Encoding may be gzip or nothing.")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, MAX_REQUEST_BYTES + 1)
    except zlib.error:
        raise _Refused(400, "invalid_gzip", "The body is not valid gzip.") from None
    if len(body) > MAX_REQUEST_BYTES or inflater.unconsumed_tail:
        raise too_large
    if not inflater.eof:
        raise _Refused(400, "invalid_gzip", "The gzip body is truncated.")
    return body


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, and no database stores them in a JSON column.
    raise ValueError(f"{name} is not valid JSON")


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise _Refused(400, "invalid_json", "The body is not valid JSON.") from None


def _source_for(request: HttpRequest, body: Any) -> Source:
    try:
        header_key = key_from_authorization(request.headers.get("Authorization"))
    except MalformedAuthorization as exc:
        raise _Refused(401, "unauthorized", str(exc)) from None
    body_key = body.get("writeKey") if isinstance(body, dict) else None
    if body_key is not None and not isinstance(body_key, str):
        raise _Refused(401, "unauthorized", "'writeKey' must be a string.")
    if header_key and body_key and header_key != body_key.strip():
        raise _Refused(
            401, "unauthorized", "The writeKey in the body does not match the Authorization header."
        )
    key = header_key or (body_key.strip() if body_key else None)
    if not key:
        raise _Refused(401, "unauthorized", "Send the source's write key as the Basic user name.")
    with bounded_read():
        source = source_for_key(key)
    if source is None:
        raise _Refused(401, "unauthorized", "The write key is not valid.")
    return source


@csrf_exempt
def intake(request: HttpRequest, message_type: str | None = None) -> JsonResponse:
    """Receive one message (``message_type`` given by the path) or a batch."""
    if request.method != "POST":
        return _error(405, "method_not_allowed", "Use POST.")
    strict = request.headers.get("X-Strict-Mode", "").strip().lower() in ("1", "true")
    try:
        body = _parse_json(_read_body(request))
        source = _source_for(request, body)
        with log_context.bound(workspace=source.workspace_id):
            result = accept(source, body, message_type, strict=strict)
    except _Refused as refused:
        return _error(refused.status, refused.code, refused.message)
    except InvalidRequest as invalid:
        return _error(400, invalid.code, invalid.message)
    except DatabaseError:
        # Nothing was acknowledged; both client libraries retry a 503.
        # A lock held past INTAKE_DB_WAIT_SECONDS ends here too (sources.lock_waits).
        logger.exception("intake could not reach the database")
        unavailable = _error(503, "unavailable", "The service cannot store events right now; try again.")
        unavailable["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return unavailable
    if strict and result.rejected:
        return _error(
            400,
            "invalid_request",
            f"{len(result.rejected)} message(s) are invalid; nothing was stored.",
            errors=[r.as_dict() for r in result.rejected],
        )
    return JsonResponse(result.as_dict(), status=200)
