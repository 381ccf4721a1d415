"""A destination's tokens for the Salesforce client: read, and refreshed single-flight.

Salesforce sends no expiry, so a token is refreshed only when the API
answers 401 with it. Several threads and processes (web workers, queue
workers) may hit that 401 at once; only one of them refreshes. Each refresh
runs in a transaction that locks the destination's row (``select_for_update``
on PostgreSQL; on SQLite the IMMEDIATE transaction takes the write lock), and
first compares ``token_version`` with the version the rejected token was read
at: if it moved, someone else has refreshed, and the stored token is used.

A refresh token Salesforce refuses for good (``invalid_grant``) puts the
destination in "needs reconnect" with Salesforce's description, holds its
deliveries, and raises an auth error; "token request is already being
processed" is transient and retried after a short wait.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction

from destinations import api_budget, crypto
from destinations.chunk_tokens import ChunkTokens, RefreshVia
from destinations.models import ConnectionState, Destination
from destinations.needs_reconnect import mark_needs_reconnect
from destinations.salesforce import oauth
from destinations.salesforce.calls import Call
from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.connection import Connection, TokenSource
from destinations.salesforce.domains import UntrustedUrl, trusted_origin
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.salesforce.oauth import OAuthApp, OAuthError, TokenGrant, same_id

logger = logging.getLogger(__name__)

# A refresh that loses a race at Salesforce is tried this many times in all.
REFRESH_ATTEMPTS = 3
REFRESH_RETRY_SECONDS = 0.5


def client_for(
    destination: Destination,
    on_call: Callable[[Call], None] | None = None,
    *,
    concurrent_calls: int | None = None,
    refresh_via: RefreshVia | None = None,
) -> SalesforceClient:
    """A client for the destination's org, with its tokens (close it, or use it in a ``with``).

    With ``concurrent_calls`` it is a chunk's client: its connection pool
    holds that many connections, and the token is read once, now
    (``ChunkTokens``), for all the calls the threads of the chunk make; a
    refresh runs through ``refresh_via``.

    The instance URL was vetted when it was stored; it is vetted again here,
    since ``SALESFORCE_EXTRA_INSTANCE_HOSTS`` may have changed since (a demo
    org restarted on other ports).
    """
    _require_connected(destination)
    try:
        instance_url = trusted_origin(destination.instance_url, settings.SALESFORCE_EXTRA_INSTANCE_HOSTS)
    except UntrustedUrl as exc:
        reason = f"The org's address is no longer one this server may use ({exc}). Reconnect."
        mark_needs_reconnect(destination, reason)
        raise _auth_error(reason, "UNTRUSTED_HOST") from None
    tokens: TokenSource = DestinationTokens(destination)
    if concurrent_calls is not None:
        tokens = ChunkTokens(tokens, refresh_via)
    # Every call made for the destination counts against its API budget,
    # tallied once when the client closes (one UPDATE, not one per call).
    tally = CallTally(destination.pk, on_call)
    return SalesforceClient(
        Connection(instance_url, settings.SALESFORCE_API_VERSION, tokens),
        on_call=tally,
        write_timeout=settings.SALESFORCE_WRITE_TIMEOUT_SECONDS,
        on_close=tally.save,
        pool_size=concurrent_calls or 1,
    )


class CallTally:
    """Counts the calls Salesforce charged to the org, and adds them to the destination's hour."""

    def __init__(self, destination_id: uuid.UUID, on_call: Callable[[Call], None] | None) -> None:
        self.destination_id, self.on_call, self.counted = destination_id, on_call, 0
        # A chunk's calls run on several threads at once.
        self._lock = threading.Lock()

    def __call__(self, call: Call) -> None:
        if call.counted:
            with self._lock:
                self.counted += 1
        if self.on_call is not None:
            self.on_call(call)

    def save(self) -> None:
        counted, self.counted = self.counted, 0
        try:
            api_budget.add_calls(self.destination_id, counted)
        except DatabaseError:
            # Raised from a client's close, it would hide what the caller was doing.
            logger.warning(
                "the API calls of destination %s were not counted", self.destination_id, exc_info=True
            )


def _auth_error(message: str, code: str = "NOT_CONNECTED") -> SalesforceError:
    # Refusals by Salesforce keep its OAuth error (invalid_grant); ours have a code of our own.
    return SalesforceError(ErrorKind.AUTH, error_code=code, message=message)


def _transient_error(message: str) -> SalesforceError:
    return SalesforceError(ErrorKind.TRANSIENT, error_code="REFRESH_IN_PROGRESS", message=message)


class DestinationTokens:
    """The ``TokenSource`` of one destination (``access_token()`` and ``refresh(rejected)``)."""

    def __init__(self, destination: Destination | uuid.UUID | str) -> None:
        self.destination_id = destination.pk if isinstance(destination, Destination) else destination
        # The version each recently handed-out token was read at.
        self._versions: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def access_token(self) -> str:
        """The stored access token; raises an auth error when the destination is not connected."""
        row = Destination.objects.filter(pk=self.destination_id).only(
            "state", "state_reason", "access_token_encrypted", "token_version"
        )
        destination = row.first()
        if destination is None:
            raise _auth_error("The destination no longer exists.")
        _require_connected(destination)
        try:
            return self._hand_out(destination)
        except crypto.DecryptionError as exc:
            raise _auth_error(str(exc)) from None

    def refresh(self, rejected: str) -> str:
        """A working access token after Salesforce rejected ``rejected``; refreshes at most once."""
        for attempt in range(1, REFRESH_ATTEMPTS + 1):
            token = self._refresh_once(rejected)
            if token is not None:
                return token
            if attempt < REFRESH_ATTEMPTS:
                time.sleep(REFRESH_RETRY_SECONDS * attempt)
        raise _transient_error(
            "Salesforce could not refresh the access token just now; it will be tried again."
        )

    def _refresh_once(self, rejected: str) -> str | None:
        """The new (or someone else's newer) token; None to try again; raises when refused for good."""
        with transaction.atomic():
            destination = Destination.objects.select_for_update().get(pk=self.destination_id)
            _require_connected(destination)
            if self._refreshed_meanwhile(destination, rejected):
                return self._hand_out(destination)
            outcome = _refresh_grant(destination)
            if outcome is None:
                return None
            if isinstance(outcome, OAuthError):
                code, reason = outcome.error, _reason(outcome)
            elif not same_id(outcome.org_id, destination.org_id):
                code = "ORG_CHANGED"
                reason = "Salesforce refreshed the login for another org than the one connected. Reconnect."
            else:
                destination.store_tokens(outcome.access_token, outcome.refresh_token)
                destination.instance_url = outcome.instance_url
                fields = [
                    "access_token_encrypted",
                    "refresh_token_encrypted",
                    "token_version",
                    "instance_url",
                ]
                destination.save(update_fields=fields)
                return self._hand_out(destination, outcome.access_token)
            mark_needs_reconnect(destination, reason)
        # Raised after the commit, so that "needs reconnect" and the held deliveries stay.
        raise _auth_error(reason, code)

    def _refreshed_meanwhile(self, destination: Destination, rejected: str) -> bool:
        with self._lock:
            version = self._versions.get(rejected)
        if version is not None:
            return destination.token_version != version
        # A token this source did not hand out: compare the tokens themselves.
        return crypto.decrypt_or_blank(destination.access_token_encrypted) != rejected

    def _hand_out(self, destination: Destination, token: str | None = None) -> str:
        token = token if token is not None else crypto.decrypt(destination.access_token_encrypted)
        with self._lock:
            self._versions[token] = destination.token_version
            self._versions.move_to_end(token)
            while len(self._versions) > 4:
                self._versions.popitem(last=False)
        return token


def _require_connected(destination: Destination) -> None:
    if destination.state == ConnectionState.NEEDS_RECONNECT:
        raise _auth_error(destination.state_reason or "The destination needs reconnecting.")
    if destination.state != ConnectionState.CONNECTED or not destination.access_token_encrypted:
        raise _auth_error("The destination is not connected to Salesforce.")


def _refresh_grant(destination: Destination) -> TokenGrant | OAuthError | None:
    """A refreshed grant, the error that says it can never be had, or None when worth trying again."""
    refresh_token = crypto.decrypt_or_blank(destination.refresh_token_encrypted)
    if not refresh_token:
        return _UnreadableLogin()
    try:
        return oauth.refresh(OAuthApp.from_settings(), destination.instance_url, refresh_token)
    except OAuthError as exc:
        return None if exc.transient else exc


class _UnreadableLogin(OAuthError):
    permanent = True

    def __init__(self) -> None:
        super().__init__(
            "UNREADABLE_LOGIN", "The saved login cannot be read (was FIELD_ENCRYPTION_KEY changed?)"
        )


def _reason(exc: OAuthError) -> str:
    """The banner text for a refresh Salesforce refused for good."""
    if isinstance(exc, _UnreadableLogin):
        return f"{exc.description}. Reconnect to resume sending."
    if exc.grant_is_dead:
        return f"Salesforce refused the saved login ({exc.description or exc.error}). Reconnect to resume sending."
    return f"Salesforce refused to refresh the login: {exc}. Reconnect to resume sending."
