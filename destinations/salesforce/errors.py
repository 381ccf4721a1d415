"""Every Salesforce answer classified in one place: permanent, transient, auth or rate-limited.

The sender's retry policy acts on the kind alone:

- PERMANENT: Salesforce refused the request or the record; retrying the same
  thing gives the same answer (validation errors, 404, 300, 405, ...).
- TRANSIENT: try again later (5xx except 501, timeouts, dropped connections,
  ``UNABLE_TO_LOCK_ROW``, 408/423/429, rows rolled back because of another row).
- AUTH: the session is not valid; the client has already refreshed once.
- RATE_LIMITED: the org's API quota is spent (``REQUEST_LIMIT_EXCEEDED``);
  pause the destination rather than burn retries.

Salesforce's own ``errorCode`` (``statusCode`` in Collections rows), message
and fields are kept exactly. Where Salesforce gives no code (an HTML page from
a proxy, a 300 list of URLs, a dropped connection) the code is made up here,
in a family of its own: ``HTTP_<status>``, ``TIMEOUT``, ``CONNECTION_ERROR``.
"""

from __future__ import annotations

import email.utils
import http
import math
import time
from collections.abc import Mapping
from datetime import UTC
from enum import StrEnum
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError


class ErrorKind(StrEnum):
    PERMANENT = "permanent"
    TRANSIENT = "transient"
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"


class SalesforceError(Exception):
    """One classified failure: a whole request's, or one record's in a Collections call."""

    def __init__(
        self,
        kind: ErrorKind,
        *,
        status: int | None = None,
        error_code: str = "",
        message: str = "",
        fields: list[str] | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message or error_code)
        self.kind = kind
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = list(fields or [])
        self.retry_after = retry_after
        # A write was sent and no answer came (a timeout, a connection lost
        # after sending): Salesforce may have carried it out, or may still be.
        self.outcome_unknown = outcome_unknown

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.error_code}: {self.message}{status}"

    def __repr__(self) -> str:
        return (
            f"SalesforceError({self.kind.name}, status={self.status!r}, "
            f"error_code={self.error_code!r}, message={self.message!r}, fields={self.fields!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments do not survive pickling by default; task
        # queues pickle exceptions.
        return (
            _rebuild,
            (self.kind, self.status, self.error_code, self.message, self.fields, self.retry_after),
        )


def _rebuild(
    kind: ErrorKind,
    status: int | None,
    error_code: str,
    message: str,
    fields: list[str],
    retry_after: float | None,
) -> SalesforceError:
    return SalesforceError(
        kind, status=status, error_code=error_code, message=message, fields=fields, retry_after=retry_after
    )


AUTH_CODES = frozenset({"INVALID_SESSION_ID", "INVALID_AUTH_HEADER"})
RATE_LIMIT_CODES = frozenset({"REQUEST_LIMIT_EXCEEDED"})
# Codes that mean "not now" wherever they appear, whole request or one row.
TRANSIENT_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION"})
# Codes only a Collections or Composite row carries: the row itself was fine
# but was rolled back or skipped because another one failed.
ROW_ROLLBACK_CODES = frozenset({"ALL_OR_NONE_OPERATION_ROLLED_BACK", "PROCESSING_HALTED"})
TRANSIENT_STATUSES = frozenset({408, 423, 429})


def classify_response(status: int, body: Any, headers: Mapping[str, str]) -> SalesforceError | None:
    """The classified error of an HTTP answer from the data API, or None for success (2xx).

    ``body`` is the parsed JSON (or the raw text when it was not JSON, or
    None when empty); ``headers`` are matched case-insensitively.
    """
    if 200 <= status < 300:
        return None
    problems = _rest_errors(body)
    code, message, fields = (
        _summary(problems) if problems else (f"HTTP_{status}", _status_text(status, body), [])
    )
    retry_after = _retry_after(headers)
    return SalesforceError(
        _kind(status, [p["errorCode"] for p in problems]),
        status=status,
        error_code=code,
        message=message,
        fields=fields,
        retry_after=retry_after,
    )


def classify_record_error(errors: list[dict[str, Any]]) -> SalesforceError:
    """A failed Collections row's ``errors`` (``statusCode``, ``message``, ``fields``) as one error."""
    problems = [_normalise(e) for e in errors if isinstance(e, Mapping)]
    if not problems:
        return SalesforceError(
            ErrorKind.PERMANENT,
            error_code="NO_ERROR_GIVEN",
            message="Salesforce refused the record without a reason",
        )
    code, message, fields = _summary(problems)
    return SalesforceError(
        _row_kind([p["errorCode"] for p in problems]), error_code=code, message=message, fields=fields
    )


def never_sent(exc: Exception) -> bool:
    """Whether a request that got no answer surely never reached the server.

    Only a connection that was never made (refused, no route, connect
    timeout) is sure; a read timeout or a connection reset may come after the
    server took the whole request.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def classify_transport_error(exc: Exception) -> SalesforceError:
    """A request that got no HTTP answer: timeouts and broken connections are TRANSIENT.

    A URL that cannot work (no scheme, bad host syntax) or a redirect loop is
    PERMANENT: trying again cannot fix configuration.
    """
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, requests.Timeout):
        return SalesforceError(ErrorKind.TRANSIENT, error_code="TIMEOUT", message=detail)
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return SalesforceError(ErrorKind.PERMANENT, error_code="INVALID_URL", message=detail)
    if isinstance(exc, requests.exceptions.InvalidSchema | requests.TooManyRedirects):
        return SalesforceError(ErrorKind.PERMANENT, error_code="INVALID_URL", message=detail)
    if isinstance(exc, requests.ConnectionError | ConnectionError):
        return SalesforceError(ErrorKind.TRANSIENT, error_code="CONNECTION_ERROR", message=detail)
    return SalesforceError(ErrorKind.TRANSIENT, error_code="TRANSPORT_ERROR", message=detail)


# --- Reading error bodies ----------------------------------------------------------


def _normalise(error: Mapping[str, Any]) -> dict[str, Any]:
    """One error with ``errorCode`` whether it came as REST's ``errorCode`` or a row's ``statusCode``."""
    code = error.get("errorCode") or error.get("statusCode") or ""
    raw_fields = error.get("fields")
    fields = [str(f) for f in raw_fields] if isinstance(raw_fields, list) else []
    return {"errorCode": str(code), "message": str(error.get("message") or ""), "fields": fields}


def _rest_errors(body: Any) -> list[dict[str, Any]]:
    """The errors of a REST error body: normally an array; tolerate a bare object."""
    if isinstance(body, Mapping):
        if "error" in body and "errorCode" not in body:
            # OAuth-shaped: {"error": ..., "error_description": ...}
            return [
                {
                    "errorCode": str(body["error"]),
                    "message": str(body.get("error_description") or ""),
                    "fields": [],
                }
            ]
        body = [body]
    if not isinstance(body, list):
        return []
    return [
        _normalise(e) for e in body if isinstance(e, Mapping) and (e.get("errorCode") or e.get("statusCode"))
    ]


def _summary(problems: list[dict[str, Any]]) -> tuple[str, str, list[str]]:
    """Code, message and fields of one or several errors.

    One error is kept exactly. With several, the code is the first one's and
    every message is kept (joined), so nothing Salesforce said is lost.
    """
    if len(problems) == 1:
        only = problems[0]
        return only["errorCode"], only["message"], list(only["fields"])
    fields: list[str] = []
    for problem in problems:
        fields += [f for f in problem["fields"] if f not in fields]
    message = "; ".join(p["message"] for p in problems if p["message"])
    return problems[0]["errorCode"], message, fields


def _status_text(status: int, body: Any) -> str:
    if status == 300 and isinstance(body, list):
        # Upsert by external id matched several records; the body lists them.
        return "More than one record matches: " + ", ".join(str(url) for url in body)
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unexpected status"
    return f"HTTP {status} {phrase}"


# --- Kinds -------------------------------------------------------------------------


def _kind(status: int, codes: list[str]) -> ErrorKind:
    if status == 401 or any(c in AUTH_CODES for c in codes):
        return ErrorKind.AUTH
    if any(c in RATE_LIMIT_CODES for c in codes):
        return ErrorKind.RATE_LIMITED
    if codes and all(c in TRANSIENT_CODES for c in codes):
        return ErrorKind.TRANSIENT
    if status in TRANSIENT_STATUSES or (status >= 500 and status != 501):
        return ErrorKind.TRANSIENT
    return ErrorKind.PERMANENT


def _row_kind(codes: list[str]) -> ErrorKind:
    if any(c in AUTH_CODES for c in codes):
        return ErrorKind.AUTH
    if any(c in RATE_LIMIT_CODES for c in codes):
        return ErrorKind.RATE_LIMITED
    # A row that is locked *and* invalid stays invalid after the lock clears.
    if all(c in TRANSIENT_CODES or c in ROW_ROLLBACK_CODES for c in codes):
        return ErrorKind.TRANSIENT
    return ErrorKind.PERMANENT


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - time.time()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
