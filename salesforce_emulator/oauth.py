"""OAuth 2.0 endpoints of one org's login host (and its My Domain).

Web-server flow: the authorize page (login and consent), the token endpoint
(``authorization_code`` and ``refresh_token`` grants), revoke, userinfo and
the identity URL, answering as Salesforce does, errors included.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from salesforce_emulator import clock, pages, responses
from salesforce_emulator.errors import OAuthError
from salesforce_emulator.tokens import AccessToken

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

ERROR_PAGE = "/setup/secur/RemoteAccessErrorPage.apexp"
LOGIN_ERROR = " ".join(
    (
        "Please check your username and password.",
        "If you still can't log in, contact your Salesforce administrator.",
    )
)
_NO_STORE = {"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private", "Pragma": "no-cache"}


class OAuthEndpoints:
    def __init__(self, org: Org, orgs: Mapping[str, Org]) -> None:
        self.org = org
        self.orgs = orgs
        self.config = org.config

    def handle(self, request: Request, path: str) -> Response | None:
        """The answer for an OAuth path, or None when the path is not one."""
        if path == "/services/oauth2/authorize":
            if request.method == "POST":
                return self.submit(request)
            return self.authorize(request)
        if path == "/services/oauth2/token" and request.method == "POST":
            return self.token(request)
        if path == "/services/oauth2/revoke" and request.method in ("POST", "GET"):
            return self.revoke(request)
        if path == "/services/oauth2/userinfo":
            return self.userinfo(request)
        if path.startswith("/id/"):
            return self.identity(request, path)
        if path == ERROR_PAGE:
            page = pages.oauth_error_page(
                request.args.get("error", ""), request.args.get("error_description", "")
            )
            return responses.html(page)
        if path == "/.well-known/openid-configuration":
            return responses.json_response(self._discovery(request))
        return None

    # --- Authorize --------------------------------------------------------------

    def _check_app(self, params: Mapping[str, str]) -> Response | None:
        """Salesforce's own error page for an unknown app or an unregistered callback."""
        if params.get("client_id") != self.config.client_id:
            return _error_page_redirect("invalid_client_id", "client identifier invalid")
        if params.get("redirect_uri") not in self.config.redirect_uris:
            return _error_page_redirect("redirect_uri_mismatch", "redirect_uri must match configuration")
        return None

    def authorize(self, request: Request) -> Response:
        params = request.args.to_dict()
        refused = self._check_app(params)
        if refused is not None:
            return refused
        if params.get("response_type") != "code":
            return self._back(
                params, error="unsupported_response_type", error_description="response type not supported"
            )
        if params.get("immediate", "").lower() == "true":
            return self._back(
                params, error="immediate_unsuccessful", error_description="immediate unsuccessful"
            )
        page = pages.consent_page(
            self._org_label(),
            params.get("login_hint") or self.org.username,
            self.config.client_id,
            self._granted(params.get("scope")),
            params,
        )
        return responses.html(page)

    def submit(self, request: Request) -> Response:
        params = request.form.to_dict()
        refused = self._check_app(params)
        if refused is not None:
            return refused
        if params.get("action") == "deny":
            return self._back(
                params, error="access_denied", error_description="end-user denied authorization"
            )
        username = params.get("username", "").strip()
        if username.lower() != self.org.username.lower() or not self.org.user_active:
            page = pages.consent_page(
                self._org_label(),
                username,
                self.config.client_id,
                self._granted(params.get("scope")),
                params,
                error=LOGIN_ERROR,
            )
            return responses.html(page)
        code = self.org.tokens.issue_code(
            self.org.user_id,
            params["redirect_uri"],
            self._granted(params.get("scope")),
            params.get("code_challenge") or None,
            params.get("code_challenge_method") or None,
        )
        return self._back(params, code=code)

    def _back(self, params: Mapping[str, str], **answer: str) -> Response:
        """Redirect to the client's callback with ``answer`` and the client's state."""
        query = dict(answer)
        if params.get("state"):
            query["state"] = params["state"]
        separator = "&" if "?" in params["redirect_uri"] else "?"
        return responses.redirect(params["redirect_uri"] + separator + urlencode(query))

    def _granted(self, requested: str | None) -> list[str]:
        allowed = self.config.app_scopes
        if not requested:
            return list(allowed)
        granted: list[str] = []
        for scope in requested.split():
            if scope in allowed and scope not in granted:
                granted.append(scope)
        return granted

    def _org_label(self) -> str:
        return "Sandbox" if self.org.name == "sandbox" else "Production"

    # --- Token ----------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        form = request.form
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = _basic_credentials(request)
        if basic is not None:
            client_id, client_secret = basic
        grant_type = form.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant type is missing")
        if grant_type not in ("authorization_code", "refresh_token"):
            raise OAuthError("unsupported_grant_type", "grant type not supported")
        if client_id != self.config.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if not client_secret or not secrets.compare_digest(client_secret, self.config.client_secret):
            raise OAuthError("invalid_client", "invalid client credentials")
        if grant_type == "authorization_code":
            grant = self.org.tokens.redeem_code(
                form.get("code", ""), form.get("redirect_uri", ""), form.get("code_verifier")
            )
            if not self.org.user_active:
                raise OAuthError("invalid_grant", "authentication failure")
            access, refresh = self.org.tokens.approve(grant.user_id, grant.scopes)
            body = self.org.token_response(access, refresh, grant.scopes)
        else:
            body = self._refresh(form.get("refresh_token", ""))
        return self._token_answer(request, body)

    def _refresh(self, refresh_token: str) -> dict[str, str]:
        org = self.org
        if not self.config.enforce_login_host_kind:
            # Any login host may then refresh any org's token.
            org = next((o for o in self.orgs.values() if o.tokens.pair_for_refresh(refresh_token)), self.org)
        pair = org.tokens.pair_for_refresh(refresh_token)
        if pair is not None and pair.alive and not org.user_active:
            raise OAuthError("invalid_grant", "authentication failure")
        access, rotated, pair = org.tokens.refresh(refresh_token)
        return org.token_response(access, rotated, pair.scopes)

    def _token_answer(self, request: Request, body: dict[str, str]) -> Response:
        wanted = request.form.get("format") or ""
        if wanted == "urlencoded" or (
            not wanted and "application/x-www-form-urlencoded" in request.headers.get("Accept", "")
        ):
            return Response(
                urlencode(body), content_type="application/x-www-form-urlencoded", headers=_NO_STORE
            )
        return responses.json_response(body, headers=_NO_STORE)

    # --- Revoke, userinfo, identity -------------------------------------------------------

    def revoke(self, request: Request) -> Response:
        token = request.form.get("token") or request.args.get("token")
        if not token:
            raise OAuthError("unsupported_token_type", "unsupported token type")
        if not self.org.tokens.revoke(token):
            raise OAuthError("invalid_token", "invalid token")
        return responses.empty(200)

    def _bearer(self, request: Request) -> AccessToken | Response:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or not token.strip():
            return responses.text("Missing_OAuth_Token", 401)
        access = self.org.tokens.authenticate(token.strip())
        if access is None or not self.org.user_active:
            return responses.text("Bad_OAuth_Token", 403)
        return access

    def userinfo(self, request: Request) -> Response:
        access = self._bearer(request)
        if isinstance(access, Response):
            return access
        org = self.org
        document = {
            "sub": org.identity_url(),
            "user_id": org.user_id,
            "organization_id": org.org_id,
            "preferred_username": org.username,
            "nickname": "demo",
            "name": "Demo User",
            "given_name": "Demo",
            "family_name": "User",
            "email": self.config.username,
            "email_verified": True,
            "zoneinfo": "GMT",
            "locale": "en_US",
            "language": "en_US",
            "active": org.user_active,
            "user_type": "STANDARD",
            "is_app_installed": True,
            "urls": self._urls(),
            "updated_at": clock.stamp(),
        }
        return responses.json_response(document)

    def identity(self, request: Request, path: str) -> Response:
        access = self._bearer(request)
        if isinstance(access, Response):
            return access
        org = self.org
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[1][:15] != org.org_id[:15] or parts[2][:15] != org.user_id[:15]:
            return responses.text("Bad_Id", 403)
        document: dict[str, Any] = {
            "id": org.identity_url(),
            "asserted_user": True,
            "user_id": org.user_id,
            "organization_id": org.org_id,
            "username": org.username,
            "nick_name": "demo",
            "display_name": "Demo User",
            "email": self.config.username,
            "email_verified": True,
            "first_name": "Demo",
            "last_name": "User",
            "timezone": "GMT",
            "active": org.user_active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 0,
            "urls": self._urls(),
            "is_app_installed": True,
            "last_modified_date": clock.stamp(),
            "is_lightning_login_user": False,
        }
        return responses.json_response(document)

    def _urls(self) -> dict[str, str]:
        base = self.org.instance_url
        version = self.config.latest_api_version
        return {
            "enterprise": f"{base}/services/Soap/c/{{version}}/{self.org.org_id[:15]}",
            "partner": f"{base}/services/Soap/u/{{version}}/{self.org.org_id[:15]}",
            "rest": f"{base}/services/data/v{{version}}/",
            "sobjects": f"{base}/services/data/v{{version}}/sobjects/",
            "search": f"{base}/services/data/v{{version}}/search/",
            "query": f"{base}/services/data/v{{version}}/query/",
            "recent": f"{base}/services/data/v{{version}}/recent/",
            "limits": f"{base}/services/data/v{{version}}/limits/",
            "profile": f"{base}/{self.org.user_id}",
            "custom_domain": base,
            "version_hint": version,
        }

    def _discovery(self, request: Request) -> dict[str, Any]:
        base = request.host_url.rstrip("/")
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/services/oauth2/authorize",
            "token_endpoint": f"{base}/services/oauth2/token",
            "revocation_endpoint": f"{base}/services/oauth2/revoke",
            "userinfo_endpoint": f"{base}/services/oauth2/userinfo",
            "scopes_supported": self.config.app_scopes,
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
        }


def _error_page_redirect(error: str, description: str) -> Response:
    return responses.redirect(f"{ERROR_PAGE}?{urlencode({'error': error, 'error_description': description})}")


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret
