"""OAuth state of one org: authorization codes, token pairs, their lifecycle.

Salesforce keeps at most five token pairs per user and app; each approval
(code exchange) starts a new pair, and a sixth revokes the oldest. A pair's
refresh token may rotate; presenting a rotated-out refresh token revokes the
pair's current refresh token and every access token issued from it.

Tokens are secrets, so nothing outside this module sees them except the
client that received them: logs carry a ``ref`` such as ``access#3``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from salesforce_emulator.errors import OAuthError

if TYPE_CHECKING:
    from salesforce_emulator.config import EmulatorConfig

EXPIRED_TOKEN = "expired access/refresh token"  # noqa: S105 - an error text


@dataclass
class AuthCode:
    user_id: str
    redirect_uri: str
    scopes: list[str]
    challenge: str | None
    challenge_method: str | None
    expires_at: float


@dataclass
class Pair:
    """One approval: a refresh token (if granted) and the access tokens it issued."""

    number: int
    user_id: str
    scopes: list[str]
    refresh_token: str | None
    access_tokens: set[str] = field(default_factory=set)
    rotated_out: set[str] = field(default_factory=set)
    alive: bool = True


@dataclass
class AccessToken:
    ref: str
    pair: Pair
    issued_at: float
    expired: bool = False


class TokenStore:
    def __init__(self, org_id: str, config: EmulatorConfig) -> None:
        self._org_id15 = org_id[:15]
        self._config = config
        self._lock = threading.Lock()
        self._codes: dict[str, AuthCode] = {}
        self._pairs: list[Pair] = []
        self._by_refresh: dict[str, Pair] = {}
        self._access: dict[str, AccessToken] = {}
        self._refs: dict[str, str] = {}
        self._numbers = itertools.count(1)
        self._access_numbers = itertools.count(1)
        # Knob: the next N refreshes lose a (simulated) race with a concurrent one.
        self.racing_refreshes = 0

    # --- Codes ---------------------------------------------------------------

    def issue_code(
        self, user_id: str, redirect_uri: str, scopes: list[str], challenge: str | None, method: str | None
    ) -> str:
        code = "aPrx" + secrets.token_urlsafe(48)
        expires_at = time.time() + self._config.auth_code_ttl
        with self._lock:
            self._codes[code] = AuthCode(user_id, redirect_uri, scopes, challenge, method, expires_at)
        return code

    def redeem_code(self, code: str, redirect_uri: str, verifier: str | None) -> AuthCode:
        """The code's grant, used up; raises ``OAuthError`` as Salesforce answers."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.expires_at < time.time():
            raise OAuthError("invalid_grant", "expired authorization code")
        if redirect_uri != grant.redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
        if grant.challenge is not None:
            if not verifier:
                raise OAuthError("invalid_grant", "invalid code verifier")
            if not self._verifier_matches(grant, verifier):
                raise OAuthError(self._config.pkce_mismatch_error, "invalid code verifier")
        return grant

    def _verifier_matches(self, grant: AuthCode, verifier: str) -> bool:
        if grant.challenge_method == "plain" and not self._config.ignore_code_challenge_method:
            return secrets.compare_digest(verifier, grant.challenge or "")
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return secrets.compare_digest(expected, grant.challenge or "")

    # --- Pairs -----------------------------------------------------------------

    def approve(self, user_id: str, scopes: list[str]) -> tuple[str, str | None]:
        """A new pair for an approval: (access token, refresh token or None)."""
        refresh = None
        if {"refresh_token", "offline_access", "full"} & set(scopes):
            refresh = "5Aep861" + secrets.token_urlsafe(64)
        with self._lock:
            pair = Pair(next(self._numbers), user_id, scopes, refresh)
            self._pairs.append(pair)
            if refresh:
                self._by_refresh[refresh] = pair
                self._refs[refresh] = f"refresh#{pair.number}"
            live = [p for p in self._pairs if p.alive and p.user_id == user_id]
            for oldest in live[: max(0, len(live) - self._config.max_token_pairs_per_user)]:
                self._kill(oldest)
            return self._new_access(pair), refresh

    def refresh(self, refresh_token: str) -> tuple[str, str | None, Pair]:
        """(access token, rotated refresh token or None, pair) for a refresh grant."""
        with self._lock:
            pair = self._by_refresh.get(refresh_token)
            if pair is None or not pair.alive:
                raise OAuthError("invalid_grant", EXPIRED_TOKEN)
            if refresh_token in pair.rotated_out:
                # Reuse of a rotated-out token looks like theft: end the pair.
                self._kill(pair)
                raise OAuthError("invalid_grant", EXPIRED_TOKEN)
            if self.racing_refreshes > 0:
                self.racing_refreshes -= 1
                raise OAuthError("invalid_grant", "token request is already being processed")
            rotated = None
            if self._config.refresh_token_rotation:
                rotated = "5Aep861" + secrets.token_urlsafe(64)
                pair.rotated_out.add(refresh_token)
                pair.refresh_token = rotated
                self._by_refresh[rotated] = pair
                self._refs[rotated] = f"refresh#{pair.number}"
            return self._new_access(pair), rotated, pair

    def pair_for_refresh(self, refresh_token: str) -> Pair | None:
        with self._lock:
            return self._by_refresh.get(refresh_token)

    def _new_access(self, pair: Pair) -> str:
        token = f"{self._org_id15}!AR" + secrets.token_urlsafe(72)
        pair.access_tokens.add(token)
        ref = f"access#{next(self._access_numbers)}"
        self._access[token] = AccessToken(ref, pair, time.time())
        self._refs[token] = ref
        return token

    def _kill(self, pair: Pair) -> None:
        pair.alive = False
        for token in pair.access_tokens:
            self._access.pop(token, None)

    # --- Use, revoke, expire ---------------------------------------------------------

    def authenticate(self, token: str) -> AccessToken | None:
        """The live access token, or None when unknown, revoked or expired."""
        with self._lock:
            access = self._access.get(token)
        if access is None or not access.pair.alive or access.expired:
            return None
        lifetime = self._config.access_token_lifetime
        if lifetime is not None and time.time() - access.issued_at > lifetime:
            return None
        return access

    def revoke(self, token: str) -> bool:
        """Revoke an access token, or a refresh token with its access tokens."""
        with self._lock:
            pair = self._by_refresh.get(token)
            if pair is not None:
                self._kill(pair)
                return True
            access = self._access.pop(token, None)
            if access is not None:
                access.pair.access_tokens.discard(token)
                return True
        return False

    def expire_all(self) -> None:
        with self._lock:
            for access in self._access.values():
                access.expired = True

    def revoke_all(self) -> None:
        with self._lock:
            for pair in self._pairs:
                self._kill(pair)

    def ref(self, token: str) -> str | None:
        """The non-secret name of a token, for logs."""
        return self._refs.get(token)

    def live_pairs(self, user_id: str) -> int:
        with self._lock:
            return sum(1 for p in self._pairs if p.alive and p.user_id == user_id)
