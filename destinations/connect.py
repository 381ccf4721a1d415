"""Connecting a destination to a Salesforce org, reconnecting it, disconnecting it.

The flows live here; views only translate HTTP. A connection is made in
three steps: ``begin`` (the authorize URL, with a pending state in the
session), ``finish`` (the callback: code exchange, validation, identity) and,
when the org differs from the one connected before, ``confirm_other_org``.
Connecting releases the destination's held deliveries; disconnecting and
"needs reconnect" hold them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from deliveries.holding import hold_deliveries, release_deliveries
from destinations import api_usage, crypto, pending
from destinations.models import ConnectionState, Destination
from destinations.needs_reconnect import mark_needs_reconnect
from destinations.pending import PendingConfirmation, PendingConnect, Session
from destinations.salesforce import describe, oauth
from destinations.salesforce.domains import UntrustedUrl
from destinations.salesforce.errors import SalesforceError
from destinations.salesforce.oauth import Identity, OAuthApp, OAuthError, TokenGrant, same_id

logger = logging.getLogger(__name__)

# Scopes without which a connection cannot write records.
API_SCOPES = {"api", "full"}


class ConnectError(Exception):
    """The connection cannot start or complete; the message is for the user."""


class UnknownState(Exception):
    """The callback's state is not one this session is waiting for (forged, reused or stale)."""


@dataclass(frozen=True)
class Outcome:
    """How a callback ended: connected, waiting for confirmation, or failed with a message."""

    connected: bool = False
    confirmation_id: str = ""
    message: str = ""


def login_url_for(destination: Destination) -> str:
    """Where the destination logs in: its My Domain if set, else the sandbox or production host."""
    if destination.login_url:
        return destination.login_url
    return settings.SALESFORCE_SANDBOX_LOGIN_URL if destination.is_sandbox else settings.SALESFORCE_LOGIN_URL


def begin(session: Session, destination: Destination) -> str:
    """Start connecting: remember a pending state and return Salesforce's authorize URL."""
    if not settings.SALESFORCE_CLIENT_ID or not settings.SALESFORCE_CLIENT_SECRET:
        raise ConnectError(
            "Salesforce is not configured on this server: set SALESFORCE_CLIENT_ID and "
            "SALESFORCE_CLIENT_SECRET (see the README)."
        )
    app = OAuthApp.from_settings()
    login_url = login_url_for(destination)
    try:
        login_origin = app.origin(login_url)
    except UntrustedUrl as exc:
        raise ConnectError(f"The login URL is not a Salesforce address we can use: {exc}.") from None
    started = oauth.authorization(app, login_origin)
    pending.remember_state(
        session,
        PendingConnect(
            state=started.state,
            destination_id=str(destination.pk),
            workspace_id=str(destination.workspace_id),
            login_url=login_origin,
            code_verifier=started.code_verifier,
        ),
    )
    return started.url


def take_pending(session: Session, state: str | None) -> PendingConnect:
    """The pending Connect the callback answers, used up; raises ``UnknownState``."""
    found = pending.take_state(session, state) if state else None
    if found is None:
        raise UnknownState
    return found


def finish(
    session: Session, destination: Destination, started: PendingConnect, params: dict[str, str]
) -> Outcome:
    """Complete the callback: exchange the code, validate, read the identity, then connect or ask."""
    if params.get("error"):
        return Outcome(message=provider_message(params["error"], params.get("error_description", "")))
    code = params.get("code")
    if not code:
        return Outcome(message="Salesforce sent no authorization code back. Press Connect to try again.")
    app = OAuthApp.from_settings()
    try:
        grant = oauth.exchange_code(app, started.login_url, code, started.code_verifier)
    except OAuthError as exc:
        logger.warning("Connecting destination %s failed at the code exchange: %s", destination.pk, exc)
        return Outcome(message=_not_connected(exc))
    try:
        identity = _checked_identity(app, grant)
    except (OAuthError, ConnectError) as exc:
        logger.warning("Connecting destination %s failed after the code exchange: %s", destination.pk, exc)
        _revoke_quietly(app, grant.instance_url, grant.refresh_token or grant.access_token)
        return Outcome(message=_not_connected(exc))
    if destination.org_id and not same_id(destination.org_id, grant.org_id):
        confirmation_id = pending.remember_confirmation(
            session, str(destination.pk), str(destination.workspace_id), grant, identity
        )
        return Outcome(confirmation_id=confirmation_id)
    _connect(destination, grant, identity)
    return Outcome(connected=True, message=f"Connected to Salesforce as {identity.username}.")


def provider_message(error: str, description: str) -> str:
    """What to tell the user when Salesforce sends the browser back with an error."""
    if error in ("access_denied", "access-denied"):
        return "Access was denied in Salesforce, so the destination is not connected. Press Connect to try again."
    detail = f"{description} ({error})" if description else error
    return f"Salesforce did not connect the destination: {detail}. Press Connect to try again."


def _not_connected(exc: Exception) -> str:
    detail = str(exc).rstrip(".")
    return f"Salesforce did not connect the destination: {detail}. Press Connect to try again."


def pending_confirmation(
    session: Session, destination: Destination, confirmation_id: str
) -> PendingConfirmation:
    """The confirmation waiting for this destination; raises ``UnknownState``."""
    found = pending.peek_confirmation(session, confirmation_id)
    if found is None or found.destination_id != str(destination.pk):
        raise UnknownState
    return found


def confirm_other_org(session: Session, destination: Destination, confirmation_id: str) -> Identity:
    """Switch the destination to the other org the user logged in to."""
    found = pending.take_confirmation(session, confirmation_id)
    if found is None or found.destination_id != str(destination.pk):
        raise UnknownState
    _connect(destination, found.grant, found.identity)
    return found.identity


def cancel_other_org(session: Session, destination: Destination, confirmation_id: str) -> None:
    """Keep the current org: forget the other org's tokens and revoke them."""
    found = pending.take_confirmation(session, confirmation_id)
    if found is None or found.destination_id != str(destination.pk):
        raise UnknownState
    grant = found.grant
    _revoke_quietly(OAuthApp.from_settings(), grant.instance_url, grant.refresh_token or grant.access_token)


def disconnect(destination: Destination) -> bool:
    """Revoke the token at Salesforce, delete the credentials, hold the deliveries.

    Returns whether Salesforce confirmed the revocation; the credentials are
    deleted here either way.
    """
    token = crypto.decrypt_or_blank(destination.refresh_token_encrypted) or crypto.decrypt_or_blank(
        destination.access_token_encrypted
    )
    revoked = False
    if token and destination.instance_url:
        revoked = _revoke_quietly(OAuthApp.from_settings(), destination.instance_url, token)
    with transaction.atomic():
        locked = Destination.objects.select_for_update().get(pk=destination.pk)
        locked.forget_tokens()
        locked.state = ConnectionState.NOT_CONNECTED
        locked.state_reason = ""
        locked.instance_url = ""
        locked.connected_at = None
        # org_id and the user name stay: a later connect to another org asks first.
        locked.save()
        hold_deliveries(locked)
    destination.refresh_from_db()
    logger.info("Destination %s was disconnected (revoked at Salesforce: %s)", destination.pk, revoked)
    return revoked


def settings_changed(destination: Destination, *, was_sandbox: bool, was_login_url: str) -> str:
    """After the settings were saved: ask to reconnect if where it logs in changed; the reason or ""."""
    if destination.state == ConnectionState.NOT_CONNECTED:
        return ""
    if destination.is_sandbox != was_sandbox:
        if destination.is_sandbox:
            reason = (
                "Is Sandbox was turned on. Reconnect with your sandbox user name: your production "
                "user name followed by a dot and the sandbox name (user@acme.com.test)."
            )
        else:
            reason = "Is Sandbox was turned off. Reconnect with your production user name."
    elif destination.login_url != was_login_url:
        reason = "The login URL changed. Reconnect to log in there."
    else:
        return ""
    mark_needs_reconnect(destination, reason)
    return reason


def _checked_identity(app: OAuthApp, grant: TokenGrant) -> Identity:
    if grant.refresh_token is None:
        raise ConnectError(
            "Salesforce granted no refresh token. Allow the refresh_token (offline access) "
            "scope on the connected app, then connect again."
        )
    if grant.scopes and not API_SCOPES & set(grant.scopes):
        raise ConnectError("Salesforce did not grant API access (the api scope). Check the connected app.")
    identity = oauth.userinfo(app, grant.instance_url, grant.access_token)
    if not (same_id(identity.org_id, grant.org_id) and same_id(identity.user_id, grant.user_id)):
        raise ConnectError("Salesforce's userinfo names another user than the token.")
    return identity


def _connect(destination: Destination, grant: TokenGrant, identity: Identity) -> None:
    """Store the new connection and release the held deliveries, in one transaction."""
    with transaction.atomic():
        locked = Destination.objects.select_for_update().get(pk=destination.pk)
        replaced = crypto.decrypt_or_blank(locked.refresh_token_encrypted)
        replaced_at = locked.instance_url
        if locked.org_id and not same_id(locked.org_id, grant.org_id):
            # The old org's objects and usage say nothing about the new one.
            describe.forget(locked)
            locked.api_requests_used = locked.api_requests_max = locked.api_usage_at = None
        locked.store_tokens(grant.access_token, grant.refresh_token)
        locked.instance_url = grant.instance_url
        locked.org_id = grant.org_id
        locked.sf_user_id = grant.user_id
        locked.sf_username = identity.username
        locked.connected_at = timezone.now()
        locked.state = ConnectionState.CONNECTED
        locked.state_reason = ""
        locked.save()
        release_deliveries(locked)
    destination.refresh_from_db()
    logger.info("Destination %s connected to org %s as %s", destination.pk, grant.org_id, identity.username)
    try:
        api_usage.refresh(destination)
    except SalesforceError as exc:
        # The page then says "not read yet"; the connection itself is fine.
        logger.warning("Reading the API usage of destination %s failed: %s", destination.pk, exc)
    if replaced and replaced != grant.refresh_token and replaced_at:
        # The replaced refresh token would otherwise stay valid, unused, at Salesforce.
        _revoke_quietly(OAuthApp.from_settings(), replaced_at, replaced)


def _revoke_quietly(app: OAuthApp, base_url: str, token: str) -> bool:
    try:
        oauth.revoke(app, base_url, token)
    except OAuthError as exc:
        logger.warning("Revoking a Salesforce token at %s failed: %s", base_url, exc)
        return False
    return True
