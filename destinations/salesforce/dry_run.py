"""A Salesforce client that sends nothing, for the action editor's Preview.

The requests are built by the real ``SalesforceClient``, so their method,
path and body are exactly those a send would make; a session stands in for
the network and answers each one itself: a query finds the records it was
given (none, or a stand-in for the record the lookup would find), every
write succeeds. No token is involved and nothing leaves the process.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from destinations.salesforce.calls import Call
from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.connection import Connection

# The host the dry-run requests are addressed to: reserved, so it can never resolve.
NOWHERE = "https://preview.invalid"
# The id a dry run gives the records it pretends to create or find.
STAND_IN_ID = "001000000000000AAA"


class _NoTokens:
    """A dry run carries no credentials."""

    def access_token(self) -> str:
        return "dry-run"

    def refresh(self, rejected: str) -> str:
        return "dry-run"


class DryRunSession(requests.Session):
    """Answers every request as Salesforce would when all goes well, without sending it."""

    def __init__(self, found: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.found = found or []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        method, url = str(method), str(url)
        parts = urlsplit(url)
        data = kwargs.get("data")
        body = json.loads(data) if data else None
        if method == "GET" and parts.path.endswith("/query"):
            answer: Any = {"totalSize": len(self.found), "done": True, "records": self.found}
        elif method == "DELETE":
            ids = parse_qs(parts.query).get("ids", [""])[0].split(",")
            answer = [{"id": record_id, "success": True, "errors": []} for record_id in ids]
        else:
            records = body.get("records", []) if isinstance(body, dict) else []
            answer = [
                {
                    "id": record.get("Id") or STAND_IN_ID,
                    "success": True,
                    "errors": [],
                    "created": not record.get("Id"),
                }
                for record in records
            ]
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(answer).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = url
        return response


def dry_run_client(
    api_version: str, on_call: Callable[[Call], None], found: list[dict[str, Any]] | None = None
) -> SalesforceClient:
    """A client whose calls are traced through ``on_call`` and never sent."""
    connection = Connection(NOWHERE, api_version, _NoTokens())
    return SalesforceClient(connection, on_call=on_call, session=DryRunSession(found))
