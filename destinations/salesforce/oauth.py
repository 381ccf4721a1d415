"""HTTP to Salesforce's OAuth endpoints: authorize URL, code exchange, refresh, revoke, userinfo.

oauthlib's ``WebApplicationClient`` makes the PKCE pair and the token request
bodies and parses token answers; the requests themselves are ours. That is
how plain http reaches the emulator without relaxing oauthlib's https check:
every address is first vetted by ``domains.trusted_origin`` (https on
Salesforce's domains, or a listed ``SALESFORCE_EXTRA_INSTANCE_HOSTS`` entry),
and ``OAUTHLIB_INSECURE_TRANSPORT`` is never set, so any other use of
oauthlib in the process still refuses http.

Salesforce's token answers carry no ``expires_in``; they carry a ``signature``
(HMAC-SHA256 of ``id + issued_at`` keyed with the client secret), which is
checked, and an ``instance_url``, which must be a trusted origin. Nothing here
puts a token or the client secret into an exception message or a log line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2 import OAuth2Error, WebApplicationClient
from oauthlib.oauth2.rfc6749.parameters import parse_token_response

from destinations.salesforce.domains import UntrustedUrl, trusted_origin

SCOPES = "api refresh_token"
AUTHORIZE_PATH = "/services/oauth2/authorize"
TOKEN_PATH = "/services/oauth2/token"  # noqa: S105 - a path
REVOKE_PATH = "/services/oauth2/revoke"
USERINFO_PATH = "/services/oauth2/userinfo"
CALLBACK_PATH = "/oauth/salesforce/callback/"
# (connect, read) seconds. Short: a refresh may hold a database lock meanwhile.
TIMEOUT = (5, 10)
# Salesforce's answer to two refreshes of one token at once; the only
# invalid_grant that is worth retrying.
REFRESH_IN_PROGRESS = "token request is already being processed"

_ID = re.compile(r"[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?")


class OAuthError(Exception):
    """Salesforce refused an OAuth request, or could not be reached.

    ``error`` and ``description`` are Salesforce's (``invalid_grant``,
    ``expired access/refresh token``); ``status`` is None when no answer came.
    """

    # Errors that retrying cannot cure, whatever the status says.
    permanent = False

    def __init__(self, error: str, description: str = "", *, status: int | None = None) -> None:
        super().__init__(error, description, status)
        self.error = error
        self.description = description
        self.status = status

    def __str__(self) -> str:
        return f"{self.description or self.error} ({self.error})"

    @property
    def transient(self) -> bool:
        """Worth trying again later: no answer, a server error, or a concurrent refresh."""
        if self.permanent:
            return False
        return self.status is None or self.status >= 500 or self.description == REFRESH_IN_PROGRESS

    @property
    def grant_is_dead(self) -> bool:
        """The refresh token (or code) will never work again: the user must reconnect."""
        return self.error == "invalid_grant" and not self.transient


class InvalidTokenResponse(OAuthError):
    """Salesforce's token answer lacks a field, fails its signature, or names a foreign host."""

    permanent = True

    def __init__(self, description: str) -> None:
        super().__init__("invalid_token_response", description, status=200)


class UntrustedHost(OAuthError):
    """An address we will not send credentials to (see ``domains``)."""

    permanent = True

    def __init__(self, description: str) -> None:
        super().__init__("untrusted_host", description)


@dataclass(frozen=True)
class OAuthApp:
    """The connected app (client id and secret) and where Salesforce may send us back."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    extra_hosts: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls) -> OAuthApp:
        return cls(
            client_id=settings.SALESFORCE_CLIENT_ID,
            client_secret=settings.SALESFORCE_CLIENT_SECRET,
            redirect_uri=settings.PUBLIC_URL.rstrip("/") + CALLBACK_PATH,
            extra_hosts=tuple(settings.SALESFORCE_EXTRA_INSTANCE_HOSTS),
        )

    def origin(self, url: str) -> str:
        """The trusted origin of ``url``; raises ``UntrustedUrl``."""
        return trusted_origin(url, self.extra_hosts)


@dataclass(frozen=True)
class Authorization:
    """Where to send the browser, and what to keep (in the session) until it comes back."""

    url: str
    state: str
    code_verifier: str = field(repr=False)


@dataclass(frozen=True)
class TokenGrant:
    """A validated token answer."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    instance_url: str
    org_id: str
    user_id: str
    issued_at: datetime
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Identity:
    """Who connected: the userinfo document's essentials."""

    org_id: str
    user_id: str
    username: str
    name: str = ""
    email: str = ""


def authorization(app: OAuthApp, login_url: str, state: str | None = None) -> Authorization:
    """The authorize URL on ``login_url`` (web-server flow, PKCE S256, a fresh ``state``)."""
    origin = _endpoint(app, login_url, "")
    client = WebApplicationClient(app.client_id)
    verifier = client.create_code_verifier(64)
    state = state or secrets.token_urlsafe(32)
    params = [
        ("response_type", "code"),
        ("client_id", app.client_id),
        ("redirect_uri", app.redirect_uri),
        ("scope", SCOPES),
        ("state", state),
        ("code_challenge", client.create_code_challenge(verifier, "S256")),
        ("code_challenge_method", "S256"),
        # Always show the login form, so that a sandbox user name can be
        # entered even when the browser is signed in to production.
        ("prompt", "login"),
    ]
    return Authorization(add_params_to_uri(origin + AUTHORIZE_PATH, params), state, verifier)


def exchange_code(app: OAuthApp, login_url: str, code: str, code_verifier: str) -> TokenGrant:
    """Trade the callback's code for tokens at the login host that issued it."""
    body = WebApplicationClient(app.client_id).prepare_request_body(
        code=code,
        redirect_uri=app.redirect_uri,
        include_client_id=True,
        code_verifier=code_verifier,
        client_secret=app.client_secret,
    )
    return _token_request(app, login_url, body)


def refresh(app: OAuthApp, base_url: str, refresh_token: str) -> TokenGrant:
    """New access token for ``refresh_token``; ``refresh_token`` of the grant is set when rotated."""
    body = WebApplicationClient(app.client_id).prepare_refresh_body(
        refresh_token=refresh_token, client_id=app.client_id, client_secret=app.client_secret
    )
    return _token_request(app, base_url, body)


def revoke(app: OAuthApp, base_url: str, token: str) -> None:
    """Revoke a token (a refresh token takes its access tokens with it)."""
    url = _endpoint(app, base_url, REVOKE_PATH)
    response = _send("POST", url, data={"token": token})
    if response.status_code != 200:
        raise _error_from(response)


def userinfo(app: OAuthApp, base_url: str, access_token: str) -> Identity:
    """Who the access token belongs to."""
    url = _endpoint(app, base_url, USERINFO_PATH)
    response = _send("GET", url, headers={"Authorization": f"Bearer {access_token}"})
    if response.status_code != 200:
        raise _error_from(response)
    try:
        document = response.json()
        return Identity(
            org_id=str(document["organization_id"]),
            user_id=str(document["user_id"]),
            username=str(document["preferred_username"]),
            name=str(document.get("name") or ""),
            email=str(document.get("email") or ""),
        )
    except (ValueError, KeyError, TypeError):
        raise InvalidTokenResponse("Salesforce's userinfo answer lacks the user or the org.") from None


def same_id(a: str, b: str) -> bool:
    """Whether two Salesforce ids (15 or 18 characters) name the same record."""
    return bool(a) and bool(b) and a[:15] == b[:15]


# --- Requests -------------------------------------------------------------------


def _endpoint(app: OAuthApp, base_url: str, path: str) -> str:
    try:
        return app.origin(base_url) + path
    except UntrustedUrl as exc:
        raise UntrustedHost(str(exc)) from None


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    try:
        # Never follow a redirect: a 307 would replay the client secret elsewhere.
        return requests.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        host = urlsplit(url).netloc
        raise OAuthError(
            "unreachable", f"Salesforce could not be reached at {host} ({type(exc).__name__})"
        ) from None


def _error_from(response: requests.Response) -> OAuthError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return OAuthError(
            body["error"], str(body.get("error_description") or ""), status=response.status_code
        )
    return OAuthError(
        "http_error", f"Salesforce answered HTTP {response.status_code}", status=response.status_code
    )


def _token_request(app: OAuthApp, base_url: str, body: str) -> TokenGrant:
    url = _endpoint(app, base_url, TOKEN_PATH)
    response = _send(
        "POST",
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    if response.status_code != 200:
        raise _error_from(response)
    try:
        # No scope is passed: Salesforce may grant scopes in another order or
        # fewer of them, which is checked below rather than raised as a warning.
        params = parse_token_response(response.text)
    except OAuth2Error as exc:
        raise InvalidTokenResponse(f"Salesforce's token answer is not usable: {exc.description}") from None
    return validated_grant(app, dict(params))


def validated_grant(app: OAuthApp, params: dict[str, Any]) -> TokenGrant:
    """A ``TokenGrant`` from a parsed token answer, or ``InvalidTokenResponse``."""
    required = ("access_token", "instance_url", "id", "issued_at", "signature")
    missing = [name for name in required if not isinstance(params.get(name), str) or not params[name]]
    if missing:
        raise InvalidTokenResponse(f"Salesforce's token answer lacks {', '.join(missing)}.")
    token_type = params.get("token_type")
    if token_type is not None and str(token_type).lower() != "bearer":
        raise InvalidTokenResponse("Salesforce's token answer is not a bearer token.")
    identity_url, issued_at = params["id"], params["issued_at"]
    expected = base64.b64encode(
        hmac.new(app.client_secret.encode(), (identity_url + issued_at).encode(), hashlib.sha256).digest()
    )
    if not hmac.compare_digest(expected, params["signature"].encode()):
        raise InvalidTokenResponse("The signature of Salesforce's token answer does not match.")
    try:
        instance_url = app.origin(params["instance_url"])
    except UntrustedUrl as exc:
        raise InvalidTokenResponse(f"The instance URL is refused: {exc}.") from None
    segments = urlsplit(identity_url).path.rstrip("/").split("/")
    org_id, user_id = (segments[-2], segments[-1]) if len(segments) >= 2 else ("", "")
    if not (_ID.fullmatch(org_id) and org_id.startswith("00D") and _ID.fullmatch(user_id)):
        raise InvalidTokenResponse("The identity URL of Salesforce's token answer names no org and user.")
    if not issued_at.isdigit():
        raise InvalidTokenResponse("issued_at of Salesforce's token answer is not a time.")
    refresh_token = params.get("refresh_token")
    scope = params.get("scope") or []
    return TokenGrant(
        access_token=params["access_token"],
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        instance_url=instance_url,
        org_id=org_id,
        user_id=user_id,
        issued_at=datetime.fromtimestamp(int(issued_at) / 1000, tz=UTC),
        scopes=tuple(scope.split() if isinstance(scope, str) else scope),
    )
