"""Write keys: generated once, shown once, stored only as a hash.

A key carries 256 bits of randomness, so a fast hash is enough to make the
stored value useless to a reader of the database, and lets intake find the
source with one indexed lookup.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets

KEY_PREFIX = "wk_"


def generate_write_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_write_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_hint(key: str) -> str:
    """The part of a key that may be shown again, to tell keys apart."""
    return key[-4:]


class MalformedAuthorization(Exception):
    """An Authorization header we cannot read a key from."""


def key_from_authorization(header: str | None) -> str | None:
    """The write key carried by an Authorization header, if there is one.

    Basic: the key is the user name; the clients send ``key:`` but some
    callers encode the key without the colon. Bearer: the token is the key
    (the Customer.io client uses Bearer for keys shaped like ``pk_us_...``).
    """
    if not header or not header.strip():
        return None
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer" and credentials:
        return credentials
    if scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise MalformedAuthorization("The Basic credentials are not base64 text.") from None
        key = decoded.partition(":")[0].strip()
        if key:
            return key
    raise MalformedAuthorization("Send the write key as the Basic user name or as a Bearer token.")
