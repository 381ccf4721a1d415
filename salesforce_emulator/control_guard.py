"""Who may use the control API: whoever holds its token, from the emulator's own address.

The control API can reset the demo org, revoke its tokens and read its
records, and it listens on loopback beside the product. A web page the user
visits could otherwise reach it: with a cross-origin POST (the browser sends
it even when it cannot read the answer), or by DNS rebinding (a name of the
attacker's that resolves to 127.0.0.1, so the page reads the answers as its
own origin). So a request is refused unless

- its Host header names the control port itself (a rebound name does not),
- a browser's Origin header, when there is one, is the control port's own,
- and it carries the control token: the ``X-Emulator-Token`` header, or a
  ``token`` query parameter (for a person opening the HTML pages; the pages
  then remember it in a same-site cookie so their links work).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

TOKEN_HEADER = "X-Emulator-Token"  # noqa: S105 - a header name, not a secret
TOKEN_COOKIE = "emulator_control_token"  # noqa: S105 - a cookie name
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


class ControlGuard:
    def __init__(self, token: str, listen_host: str, port: int) -> None:
        self.token = token
        self._hosts = {f"{name}:{port}".lower() for name in (listen_host, *_LOOPBACK_NAMES)}

    def refusal(self, request: Request) -> tuple[int, str] | None:
        """(status, reason) when the request must be refused; None when it may go on."""
        host = request.headers.get("Host", "").lower()
        if host not in self._hosts:
            return 403, "this Host is not the emulator's control address"
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc.lower() not in self._hosts:
            return 403, "cross-origin requests to the control API are refused"
        if not self._token_matches(request):
            return 401, f"send the control token in the {TOKEN_HEADER} header"
        return None

    def remember(self, request: Request, response: Response) -> Response:
        """A person who opened a page with ?token= keeps it for the pages' own links."""
        if request.method == "GET" and "token" in request.args:
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    def _token_matches(self, request: Request) -> bool:
        offered = (
            request.headers.get(TOKEN_HEADER)
            or request.args.get("token")
            or request.cookies.get(TOKEN_COOKIE)
            or ""
        )
        return hmac.compare_digest(offered.encode(), self.token.encode())
