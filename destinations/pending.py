"""OAuth flows waiting in the user's session.

Each Connect click leaves a pending state, keyed by its ``state`` value, so
two tabs can connect at once; the callback takes it out (single use). A
reconnect to a different org leaves a pending confirmation holding the new
tokens until the user confirms. Whatever is secret in them (the PKCE
verifier, the tokens) is encrypted with ``destinations.crypto``: sessions are
stored in the database, readable by whoever reads it.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from destinations import crypto
from destinations.salesforce.oauth import Identity, TokenGrant

STATES_KEY = "salesforce_oauth_states"
CONFIRMATIONS_KEY = "salesforce_oauth_confirmations"
# Salesforce's authorization codes live about 15 minutes; nothing pending outlives that.
MAX_AGE_SECONDS = 15 * 60
# Enough for several tabs; a session never accumulates more.
MAX_ENTRIES = 10

Session = MutableMapping[str, Any]


@dataclass(frozen=True)
class PendingConnect:
    """A Connect click waiting for Salesforce to send the browser back."""

    state: str
    destination_id: str
    workspace_id: str
    login_url: str
    code_verifier: str = field(repr=False)


@dataclass(frozen=True)
class PendingConfirmation:
    """Tokens for a different org than before, waiting for the user to confirm the switch."""

    id: str
    destination_id: str
    workspace_id: str
    grant: TokenGrant
    identity: Identity


def remember_state(session: Session, pending: PendingConnect) -> None:
    """Keep a pending Connect until its callback."""
    entry = {
        "destination": pending.destination_id,
        "workspace": pending.workspace_id,
        "login_url": pending.login_url,
        "verifier": crypto.encrypt(pending.code_verifier),
        "at": time.time(),
    }
    _put(session, STATES_KEY, pending.state, entry)


def take_state(session: Session, state: str) -> PendingConnect | None:
    """The pending Connect of ``state``, removed from the session; None if unknown, used or stale."""
    entry = _take(session, STATES_KEY, state)
    if entry is None:
        return None
    return PendingConnect(
        state=state,
        destination_id=entry["destination"],
        workspace_id=entry["workspace"],
        login_url=entry["login_url"],
        code_verifier=crypto.decrypt(entry["verifier"]),
    )


def remember_confirmation(
    session: Session, destination_id: str, workspace_id: str, grant: TokenGrant, identity: Identity
) -> str:
    """Keep tokens awaiting confirmation; returns the confirmation's id."""
    confirmation_id = secrets.token_urlsafe(16)
    grant_fields = {**asdict(grant), "issued_at": grant.issued_at.isoformat()}
    secret = json.dumps({"grant": grant_fields, "identity": asdict(identity)})
    entry = {
        "destination": destination_id,
        "workspace": workspace_id,
        "sealed": crypto.encrypt(secret),
        "at": time.time(),
    }
    _put(session, CONFIRMATIONS_KEY, confirmation_id, entry)
    return confirmation_id


def peek_confirmation(session: Session, confirmation_id: str) -> PendingConfirmation | None:
    """The confirmation, left in the session (to show it)."""
    entry = _fresh(session, CONFIRMATIONS_KEY).get(confirmation_id)
    return _confirmation(confirmation_id, entry) if entry else None


def take_confirmation(session: Session, confirmation_id: str) -> PendingConfirmation | None:
    """The confirmation, removed from the session (to act on it once)."""
    entry = _take(session, CONFIRMATIONS_KEY, confirmation_id)
    return _confirmation(confirmation_id, entry) if entry else None


def _confirmation(confirmation_id: str, entry: dict[str, Any]) -> PendingConfirmation:
    opened = json.loads(crypto.decrypt(entry["sealed"]))
    grant_fields = opened["grant"]
    grant = TokenGrant(
        **{
            **grant_fields,
            "issued_at": datetime.fromisoformat(grant_fields["issued_at"]),
            "scopes": tuple(grant_fields["scopes"]),
        }
    )
    return PendingConfirmation(
        id=confirmation_id,
        destination_id=entry["destination"],
        workspace_id=entry["workspace"],
        grant=grant,
        identity=Identity(**opened["identity"]),
    )


def _fresh(session: Session, key: str) -> dict[str, dict[str, Any]]:
    """The entries under ``key`` that are not stale (stale ones are dropped)."""
    entries: dict[str, dict[str, Any]] = session.get(key) or {}
    oldest = time.time() - MAX_AGE_SECONDS
    fresh = {k: v for k, v in entries.items() if isinstance(v, dict) and v.get("at", 0) >= oldest}
    if len(fresh) != len(entries):
        session[key] = fresh
    return fresh


def _put(session: Session, key: str, entry_id: str, entry: dict[str, Any]) -> None:
    entries = _fresh(session, key)
    entries[entry_id] = entry
    newest = sorted(entries.items(), key=lambda item: item[1]["at"])[-MAX_ENTRIES:]
    # Reassigned, not mutated in place, so that the session knows to save.
    session[key] = dict(newest)


def _take(session: Session, key: str, entry_id: str) -> dict[str, Any] | None:
    entries = _fresh(session, key)
    entry = entries.pop(entry_id, None)
    if entry is not None:
        session[key] = entries
    return entry
