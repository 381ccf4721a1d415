"""The REST API entry: versions, authentication, limits, then the resource.

Everything under ``/services/data/vNN.N/`` on an instance host goes through
``Api.handle``: the version must exist, the ``Authorization`` header must
carry a live access token with the ``api`` scope, the call uses one request of
the org's daily allocation, and then the resource answers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from salesforce_emulator import bulk_api, collections_api, errors, query_api, responses, rest
from salesforce_emulator.calls import Call, Trace, raw_segments

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

OLDEST_VERSION = 20
_SEASONS = ("Winter", "Spring", "Summer")
_API_SCOPES = {"api", "full"}


def versions(latest: str) -> list[dict[str, str]]:
    """``GET /services/data``: every version up to ``latest``, oldest first."""
    listed = []
    for number in range(OLDEST_VERSION, int(float(latest)) + 1):
        # v20.0 was Winter '11; three releases a year since.
        step = number - OLDEST_VERSION
        label = f"{_SEASONS[step % 3]} '{11 + step // 3:02d}"
        listed.append({"label": label, "url": f"/services/data/v{number}.0", "version": f"{number}.0"})
    return listed


class Api:
    def __init__(self, org: Org) -> None:
        self.org = org

    def handle(self, request: Request, trace: Trace) -> Response:
        segments = raw_segments(request)[3:]  # after "", "services", "data"
        while segments and segments[-1] == "":
            segments.pop()
        version = segments[0][1:] if segments and segments[0].startswith("v") else ""
        if not _known_version(version, self.org.config.latest_api_version):
            raise errors.not_found()
        call = Call(request, self.org, version, segments[1:], trace)
        self._authenticate(call)
        if not self.org.limits.consume():
            raise errors.request_limit_exceeded()
        trace.counted = True
        if self.org.config.latency:
            time.sleep(self.org.config.latency)
        return route(call)

    def _authenticate(self, call: Call) -> None:
        header = call.request.headers.get("Authorization", "")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() not in ("bearer", "oauth") or not token or " " in token:
            raise errors.invalid_auth_header()
        access = self.org.tokens.authenticate(token)
        if access is None or not self.org.user_active:
            raise errors.invalid_session()
        call.trace.token_ref = access.ref
        call.trace.user_id = access.pair.user_id
        if not _API_SCOPES & set(access.pair.scopes):
            raise errors.invalid_session("This session is not valid for use with the REST API")


def route(call: Call) -> Response:
    """The resource's answer to an authenticated, counted call."""
    org = call.org
    head = call.segments[0] if call.segments else ""
    if not call.segments:
        call.allow(["GET", "HEAD"])
        return responses.json_response(_resources(call))
    if head == "sobjects":
        return rest.handle(call)
    if head in ("query", "queryAll"):
        return query_api.handle(call)
    if head == "limits" and len(call.segments) == 1:
        call.allow(["GET", "HEAD"])
        with org.lock:
            record_count = sum(org.store.count(o.name) for o in org.schema.objects)
        return responses.json_response(org.limits.document(record_count))
    if head == "composite":
        return collections_api.handle(call)
    if call.segments[:2] == ["jobs", "ingest"]:
        return bulk_api.handle(call)
    raise errors.not_found()


def _resources(call: Call) -> dict[str, str]:
    names = ["sobjects", "query", "queryAll", "limits", "composite", "jobs"]
    return {name: f"{call.base}/{name}" for name in sorted(names)}


def _known_version(version: str, latest: str) -> bool:
    try:
        number = float(version)
    except ValueError:
        return False
    return number.is_integer() and OLDEST_VERSION <= number <= float(latest) and version.endswith(".0")
