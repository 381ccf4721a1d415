"""Composite (``POST /composite``), minimal: subrequests in order, references, allOrNone.

Each subrequest runs through the same resource handlers as a direct call,
inside the one API call the composite request counts as. ``@{ref.field}``
in a URL or body takes a value from an earlier subrequest's answer. With
``allOrNone`` a failure rolls back every write and the other subrequests
answer ``PROCESSING_HALTED``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from salesforce_emulator import errors, responses
from salesforce_emulator.calls import Call, Trace, raw_segments
from salesforce_emulator.errors import ApiError

MAX_SUBREQUESTS = 25
_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)\.([A-Za-z0-9_.\[\]]+)\}")
_SUB_URL = re.compile(r"^/services/data/v(\d+\.\d)(/.*)$")


class _Unresolved(Exception):
    """A ``@{ref.field}`` that names no earlier answer."""


def run(call: Call) -> Response:
    body, _ = call.json()
    subrequests = body.get("compositeRequest") if isinstance(body, dict) else None
    if not isinstance(subrequests, list) or not subrequests:
        raise errors.json_parser_error(
            "Cannot deserialize instance of composite request: compositeRequest is required"
        )
    if len(subrequests) > MAX_SUBREQUESTS:
        raise errors.bad_request("INVALID_FIELD", f"Maximum number of subrequests is {MAX_SUBREQUESTS}")
    all_or_none = bool(body.get("allOrNone", False))
    org = call.org
    answers: list[dict[str, Any]] = []
    bodies: dict[str, Any] = {}
    with org.lock:
        if all_or_none:
            org.store.begin()
        failed = False
        for sub in subrequests:
            reference_id = str(sub.get("referenceId", ""))
            if failed and all_or_none:
                answers.append(_halted(reference_id))
                continue
            try:
                status, headers, answer = _dispatch(call, sub, bodies)
            except _Unresolved as exc:
                status, headers, answer = 400, {}, [errors.processing_halted().rest() | {"message": str(exc)}]
            failed = failed or status >= 400
            bodies[reference_id] = answer
            answers.append(
                {
                    "body": answer,
                    "httpHeaders": headers,
                    "httpStatusCode": status,
                    "referenceId": reference_id,
                }
            )
        if all_or_none and failed:
            org.store.rollback()
            answers = [a if a["httpStatusCode"] >= 400 else _halted(a["referenceId"]) for a in answers]
        elif all_or_none:
            org.store.commit()
    return responses.json_response({"compositeResponse": answers})


def _halted(reference_id: str) -> dict[str, Any]:
    return {
        "body": [errors.processing_halted().rest()],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": reference_id,
    }


def _dispatch(call: Call, sub: dict[str, Any], bodies: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    from salesforce_emulator.api import route  # late: api routes to this module

    url = _substitute(str(sub.get("url", "")), bodies)
    sub_body = json.loads(_substitute(json.dumps(sub["body"]), bodies)) if "body" in sub else None
    match = _SUB_URL.match(url.partition("?")[0])
    if match is None:
        return 404, {}, errors.not_found().body()
    builder = EnvironBuilder(method=str(sub.get("method", "GET")).upper(), path=url, json=sub_body)
    environ = builder.get_environ()
    environ["REQUEST_URI"] = url
    request = Request(environ)
    segments = raw_segments(request)[4:]
    while segments and segments[-1] == "":
        segments.pop()
    sub_call = Call(request, call.org, match.group(1), segments, Trace())
    try:
        response = route(sub_call)
    except ApiError as error:
        return error.status, error.headers, error.body()
    data = response.get_data()
    answer = json.loads(data) if data else None
    headers = {}
    if response.status_code == 201 and isinstance(answer, dict) and len(segments) > 1:
        headers["Location"] = f"{sub_call.base}/sobjects/{segments[1]}/{answer['id']}"
    return response.status_code, headers, answer


def _substitute(text: str, bodies: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        reference, path = match.group(1), match.group(2)
        if reference not in bodies:
            raise _Unresolved(
                f"Invalid reference specified. No value for {reference}.{path} found in {reference}."
            )
        current: Any = bodies[reference]
        for part in re.findall(r"[^.\[\]]+", path):
            if isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            elif isinstance(current, dict) and part in current:
                current = current[part]
            else:
                raise _Unresolved(
                    f"Invalid reference specified. No value for {reference}.{path} found in {reference}."
                )
        return str(current)

    return _REFERENCE.sub(value, text)
