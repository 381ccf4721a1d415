"""The one chokepoint every HTTP request to Salesforce's data API goes through.

It adds the token, a timeout and the project's User-Agent; it reports every
request to ``on_call`` (successful or not, never the token); it classifies
every failure through ``errors``; and it applies the auth rule: a request
refused as unauthenticated is repeated once, after one refresh. It never
retries anything else: the sender's retry policy decides.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter

from destinations.salesforce.calls import Call, is_counted, parse_api_usage
from destinations.salesforce.connection import Connection
from destinations.salesforce.errors import (
    ErrorKind,
    SalesforceError,
    classify_response,
    classify_transport_error,
    never_sent,
)

logger = logging.getLogger(__name__)

USER_AGENT = "salesforce-destination/0.1 (self-hosted customer-data pipeline destination)"
DEFAULT_TIMEOUT = 30.0
# Salesforce gives a synchronous API request (a query, an sObject Collections
# call) at most ten minutes before it ends it. Until then, a write the client
# gave up on may still be carried out: giving up sooner only turns a slow
# success into an unknown outcome. So a write waits for its answer as long as
# Salesforce may work on it, plus a margin for the answer to travel.
REQUEST_TIME_LIMIT = 600.0
DEFAULT_WRITE_TIMEOUT = REQUEST_TIME_LIMIT + 15.0
# Opening the connection sends nothing, so giving up on it early is safe.
CONNECT_TIMEOUT = 10.0
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# A misbehaving proxy may answer megabytes of HTML; the trace keeps the start.
MAX_TEXT_BODY = 16_384

OnCall = Callable[[Call], None]


def longest_call(timeout: float, write_timeout: float) -> float:
    """The longest one ``Transport.send`` can take: a write refused as
    unauthenticated, a token refresh, and the write again."""
    return 2 * (CONNECT_TIMEOUT + max(timeout, write_timeout)) + CONNECT_TIMEOUT + timeout


def new_session(pool_size: int = 1) -> requests.Session:
    """A session for one client: keep-alive, the project's User-Agent, and no retries.

    ``pool_size`` is how many connections to the org it keeps open at once:
    as many as the calls its client makes at once.
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    # requests already defaults to no retries; saying so keeps it that way.
    for prefix in ("https://", "http://"):
        session.mount(prefix, HTTPAdapter(max_retries=0, pool_maxsize=max(1, pool_size)))
    return session


@dataclass(frozen=True)
class _Payload:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: str
    body: Any  # what the trace records as sent
    payload: _Payload | None
    text: bool  # the answer is wanted whole, as text


def _payload(body: Any, csv: str | None) -> _Payload | None:
    if csv is not None:
        return _Payload(csv.encode("utf-8"), "text/csv; charset=UTF-8")
    if body is None:
        return None
    data = json.dumps(body, ensure_ascii=False, allow_nan=False).encode()
    return _Payload(data, "application/json; charset=UTF-8")


@dataclass(frozen=True)
class _Answer:
    status: int
    body: Any
    headers: Mapping[str, str]


class Transport:
    def __init__(
        self,
        connection: Connection,
        *,
        on_call: OnCall | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
        pool_size: int = 1,
    ) -> None:
        if not timeout or timeout <= 0 or not write_timeout or write_timeout <= 0:
            raise ValueError("every call needs a positive timeout")
        self.connection = connection
        self.on_call = on_call
        self.owns_session = session is None
        self.session = session if session is not None else new_session(pool_size)
        self.timeout = timeout
        self.write_timeout = write_timeout

    def longest_call(self) -> float:
        """The longest one ``send`` can take, in seconds."""
        return longest_call(self.timeout, self.write_timeout)

    def close(self) -> None:
        if self.owns_session:
            self.session.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        csv: str | None = None,
        text: bool = False,
    ) -> Any:
        """The parsed JSON answer of one request, or a raised ``SalesforceError``.

        ``path`` starts with ``/services/data/``. Rejected as unauthenticated,
        the request is repeated once with a refreshed token; a second
        rejection raises AUTH, as does a failed refresh.

        ``csv`` is sent as a ``text/csv`` body instead of JSON (a Bulk API
        upload); with ``text`` the answer is returned whole as text (a Bulk
        API result file), while the call's trace keeps only its start.
        """
        if not path.startswith("/services/data/"):
            # The token must only ever go to the org's own data API.
            raise ValueError(f"not a data API path: {path!r}")
        # Spaces as "+", commas kept: the form soql.url_length measures.
        query = urlencode(params or {}, safe=",")
        payload = _payload(body, csv)
        # A trace keeps what was sent; an uploaded file is kept as its size.
        traced = body if csv is None or payload is None else {"csvBytes": len(payload.data)}
        request = _Request(method, path, query, traced, payload, text)
        token = self.connection.tokens.access_token()
        answer, error = self._exchange(request, token)
        if error is not None and error.kind is ErrorKind.AUTH:
            token = self._refresh(token)
            answer, error = self._exchange(request, token)
        if error is not None:
            raise error
        return answer.body

    def _refresh(self, rejected: str) -> str:
        try:
            return self.connection.tokens.refresh(rejected)
        except requests.RequestException as exc:
            # A token source should classify its own failures; one that lets a
            # network error through still gets a classified one.
            raise classify_transport_error(exc) from exc

    def _exchange(self, request: _Request, token: str) -> tuple[_Answer, SalesforceError | None]:
        """One HTTP request, its trace and its classified error; no answer at all raises."""
        method, path, query, body, payload = (
            request.method,
            request.path,
            request.query,
            request.body,
            request.payload,
        )
        url = self.connection.origin + path + (f"?{query}" if query else "")
        headers = {"Authorization": f"Bearer {token}"}
        if payload is not None:
            headers["Content-Type"] = payload.content_type
        if request.text:
            headers["Accept"] = "text/csv"
        started = time.perf_counter()
        read_timeout = self.write_timeout if _writes_records(method, path) else self.timeout
        try:
            response = self.session.request(
                method,
                url,
                data=None if payload is None else payload.data,
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT, read_timeout), read_timeout),
                # A redirect from the data API is unexpected; following it could
                # carry the token somewhere else.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            self._report(method, path, query, body, None, None, started, False, None)
            unanswered = classify_transport_error(exc)
            unanswered.outcome_unknown = method in WRITE_METHODS and not never_sent(exc)
            raise unanswered from exc
        answer = _Answer(response.status_code, _parse_body(response), response.headers)
        error = classify_response(answer.status, answer.body, answer.headers)
        counted = is_counted(answer.status, error.error_code if error else "")
        usage = parse_api_usage(answer.headers)
        self._report(method, path, query, body, answer.status, answer.body, started, counted, usage)
        if request.text and error is None:
            # The trace keeps the start of a result file; the caller needs all of it.
            answer = _Answer(answer.status, response.content.decode("utf-8"), answer.headers)
        return answer, error

    def _report(
        self,
        method: str,
        path: str,
        query: str,
        request_body: Any,
        status: int | None,
        response_body: Any,
        started: float,
        counted: bool,
        api_usage: tuple[int, int] | None,
    ) -> None:
        if self.on_call is None:
            return
        duration_ms = round((time.perf_counter() - started) * 1000)
        call = Call(method, path, query, request_body, status, response_body, duration_ms, counted, api_usage)
        try:
            self.on_call(call)
        except Exception:
            # The trace must not change the outcome: a write Salesforce made
            # would otherwise be reported as failed, then retried and doubled.
            logger.exception("on_call failed for %s %s", method, path)


def _writes_records(method: str, path: str) -> bool:
    """A synchronous write of records (sObject Collections, sObject rows).

    Bulk API steps (create a job, upload, close) write no record while the
    request runs: Salesforce does that afterwards, and the Bulk job's own
    recovery finds out what happened. They keep the short timeout.
    """
    return method in WRITE_METHODS and "/jobs/" not in path


def _parse_body(response: requests.Response) -> Any:
    """JSON when the body is JSON, its (clipped) text when not, None when empty."""
    raw = response.content
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        text = raw[:MAX_TEXT_BODY].decode("utf-8", errors="replace")
        return text
