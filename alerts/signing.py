"""The webhook signature: HMAC-SHA256 of the exact body, with the destination's alert secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "X-Signature-256"


def new_secret() -> str:
    return secrets.token_hex(32)


def signature(secret: str, body: bytes) -> str:
    """The header's value: ``sha256=`` and the hex digest (as GitHub's webhooks write it)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: compare in constant time."""
    return hmac.compare_digest(signature(secret, body), header)
