"""Where a client talks to (an org's instance URL and API version) and how it gets tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

_API_VERSION = re.compile(r"^\d{2,3}\.\d$")


class TokenSource(Protocol):
    """Access tokens for one connected org.

    ``access_token`` is called before every request. ``refresh`` is called
    once when Salesforce rejects ``rejected``; it returns a fresh access token
    (or the current one, when someone else has refreshed since) and raises
    ``SalesforceError(kind=AUTH)`` when the refresh token is dead.
    """

    def access_token(self) -> str: ...

    def refresh(self, rejected: str) -> str: ...


@dataclass(frozen=True)
class Connection:
    instance_url: str  # https://acme.my.salesforce.com, or http://127.0.0.1:PORT for the emulator
    api_version: str  # "62.0"
    tokens: TokenSource

    def __post_init__(self) -> None:
        parts = urlsplit(self.instance_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"instance_url must be an http(s) URL; got {self.instance_url!r}")
        if parts.query or parts.fragment or parts.path.strip("/"):
            raise ValueError(f"instance_url must be a bare origin; got {self.instance_url!r}")
        if not _API_VERSION.match(self.api_version):
            raise ValueError(f"api_version looks like '62.0'; got {self.api_version!r}")

    @property
    def origin(self) -> str:
        """The instance URL without a trailing slash."""
        return self.instance_url.rstrip("/")

    @property
    def api_root(self) -> str:
        """The path every data API call starts with: ``/services/data/v62.0``."""
        return f"/services/data/v{self.api_version}"
