"""One API call as the REST handlers see it, and what it leaves in the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug.wrappers import Request

from salesforce_emulator import errors, json_body

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org


def raw_segments(request: Request) -> list[str]:
    """Decoded path segments, split before decoding so an encoded ``/`` stays in its segment."""
    raw_path = request.environ.get("REQUEST_URI", request.path).partition("?")[0]
    return [unquote(s) for s in raw_path.split("/")]


@dataclass
class Trace:
    """Facts about a request that the request log records."""

    counted: bool = False
    token_ref: str | None = None
    user_id: str | None = None
    fault: str | None = None
    # Rows of an sObject Collections call that an injected fault locks.
    locked_rows: set[int] | None = None


@dataclass
class Call:
    request: Request
    org: Org
    version: str  # "60.0"
    segments: list[str]  # decoded path segments after /services/data/vNN.N/
    trace: Trace = field(default_factory=Trace)

    @property
    def method(self) -> str:
        """The method, honouring Salesforce's ``?_HttpMethod=PATCH`` override of POST."""
        override = self.request.args.get("_HttpMethod")
        if self.request.method == "POST" and override:
            return override.upper()
        return self.request.method

    def allow(self, allowed: list[str]) -> None:
        """405 METHOD_NOT_ALLOWED unless the method is one of ``allowed``."""
        if self.method not in allowed:
            raise errors.method_not_allowed(self.method, allowed)

    @property
    def base(self) -> str:
        return f"/services/data/v{self.version}"

    def version_at_least(self, version: float) -> bool:
        return float(self.version) >= version

    def json(self) -> tuple[Any, str]:
        """The JSON body and its text; 415 for a body that does not claim to be JSON."""
        content_type = self.request.headers.get("Content-Type", "")
        media = content_type.split(";")[0].strip().lower()
        if media and media != "application/json" and not media.endswith("+json"):
            raise errors.unsupported_media_type(media)
        return json_body.parse(self.request.get_data())
