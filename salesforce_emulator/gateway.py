"""The path every request to a login or instance host takes.

Faults first (a real outage happens before the org sees the call), then the
route: OAuth endpoints on both kinds of host, the REST API only on the
instance host, and a records page at the instance host's root. Every request
ends up in the org's request log, with the ``Sforce-Limit-Info`` header on
each API answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from salesforce_emulator import clock, errors, responses
from salesforce_emulator.api import Api, versions
from salesforce_emulator.calls import Trace
from salesforce_emulator.errors import ApiError, DropConnection, OAuthError
from salesforce_emulator.faults import Fault
from salesforce_emulator.oauth import OAuthEndpoints
from salesforce_emulator.record_pages import render_records_page
from salesforce_emulator.request_log import LoggedRequest, loggable_body

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

logger = logging.getLogger(__name__)


class Gateway:
    def __init__(self, org: Org, kind: str, orgs: Mapping[str, Org]) -> None:
        self.org = org
        self.kind = kind  # "login" or "instance"
        self.oauth = OAuthEndpoints(org, orgs)
        self.api = Api(org)

    def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        # Read the body first: form parsing would otherwise consume it before the log sees it.
        request.get_data()
        trace = Trace()
        status = 0
        try:
            if self.kind == "instance" and request.path.startswith("/services/data/"):
                with self.org.in_flight.counted():
                    response = self._answer(request, trace)
            else:
                response = self._answer(request, trace)
            status = response.status_code
            return response
        finally:
            self._log(request, trace, status, started)

    def _answer(self, request: Request, trace: Trace) -> Response:
        path = request.path
        is_api = self.kind == "instance" and path.startswith("/services/data/") and path != "/services/data/"
        try:
            self._apply_faults(self.org.faults.take(request.method, path, self.kind), trace)
            response = self._route(request, path, trace)
        except ApiError as error:
            response = responses.api_error(error)
        except OAuthError as error:
            response = responses.oauth_error(error)
        except DropConnection:
            raise
        except Exception:
            logger.exception("emulator error on %s %s", request.method, path)
            response = responses.api_error(errors.unknown_exception())
        if is_api:
            response.headers["Sforce-Limit-Info"] = self.org.limits.header()
        return response

    def _apply_faults(self, faults: list[Fault], trace: Trace) -> None:
        delay = sum(f.seconds for f in faults if f.kind == "latency")
        if delay:
            time.sleep(delay)
        for fault in faults:
            if fault.kind == "expire_tokens":
                self.org.tokens.expire_all()
            elif fault.kind == "revoke_tokens":
                self.org.tokens.revoke_all()
        for fault in faults:
            trace.fault = fault.kind
            if fault.kind == "drop_connection":
                raise DropConnection
            if fault.kind == "503":
                raise errors.server_unavailable()
            if fault.kind == "500":
                raise errors.unknown_exception()
            if fault.kind == "unable_to_lock_row":
                if fault.rows is not None:
                    trace.locked_rows = set(fault.rows)
                    continue
                raise ApiError(fault.status or 400, errors.unable_to_lock_row())

    def _route(self, request: Request, path: str, trace: Trace) -> Response:
        answer = self.oauth.handle(request, path)
        if answer is not None:
            return answer
        if path.rstrip("/") == "/services/data":
            return responses.json_response(versions(self.org.config.latest_api_version))
        if path.startswith("/services/data/"):
            if self.kind == "login":
                # A login host is not an instance: its sessions are not valid there.
                raise errors.invalid_session()
            return self.api.handle(request, trace)
        if self.kind == "instance" and path == "/":
            return render_records_page(self.org, request.args.get("object"), "/")
        raise errors.not_found()

    def _log(self, request: Request, trace: Trace, status: int, started: float) -> None:
        raw = request.get_data()
        entry = LoggedRequest(
            id=self.org.log.next_id(),
            at=clock.stamp(),
            org=self.org.name,
            host=self.kind,
            method=request.method,
            path=request.path,
            query=request.query_string.decode("latin-1"),
            body=loggable_body(raw, request.headers.get("Content-Type", "")),
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            token=trace.token_ref,
            user_id=trace.user_id,
            counted=trace.counted,
            fault=trace.fault,
        )
        self.org.log.add(entry)
