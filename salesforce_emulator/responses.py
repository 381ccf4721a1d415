"""Building HTTP answers: JSON, errors, HTML, CSV, redirects."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from salesforce_emulator.errors import ApiError, OAuthError

JSON_TYPE = "application/json;charset=UTF-8"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return Response(body, status=status, headers=headers, content_type=JSON_TYPE)


def empty(status: int = 204) -> Response:
    response = Response(b"", status=status)
    response.headers.remove("Content-Type")
    return response


def api_error(error: ApiError) -> Response:
    return json_response(error.body(), error.status, headers=error.headers)


def oauth_error(error: OAuthError) -> Response:
    return json_response(
        error.body(),
        error.status,
        headers={"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"},
    )


def html(page: str, status: int = 200) -> Response:
    # No page of the emulator (the consent page above all) may be framed by another site.
    return Response(
        page, status=status, content_type="text/html;charset=UTF-8", headers={"X-Frame-Options": "DENY"}
    )


def csv(text: str, status: int = 200) -> Response:
    return Response(text.encode("utf-8"), status=status, content_type="text/csv")


def redirect(location: str) -> Response:
    response = Response(b"", status=302, headers={"Location": location})
    response.headers.remove("Content-Type")
    return response


def text(body: str, status: int) -> Response:
    return Response(body, status=status, content_type="text/plain;charset=UTF-8")
