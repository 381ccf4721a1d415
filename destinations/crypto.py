"""Encryption of secrets at rest (Salesforce tokens).

Keys come from ``FIELD_ENCRYPTION_KEY``: one or more Fernet keys separated by
commas. The first encrypts; all of them decrypt, so a key can be rotated by
putting the new one first and re-encrypting (``rotate``). A value that no key
decrypts raises: ciphertext is never handed out as if it were the secret.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored secret cannot be decrypted with the configured keys."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(secret: str) -> str:
    return _current().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY; was the key changed?"
        ) from None


def decrypt_or_blank(ciphertext: str) -> str:
    """The secret, or "" when there is none or no configured key decrypts it (a lost key)."""
    if not ciphertext:
        return ""
    try:
        return decrypt(ciphertext)
    except DecryptionError:
        return ""


def rotate(ciphertext: str) -> str:
    """The same secret encrypted with the first (newest) key."""
    try:
        return _current().rotate(ciphertext.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise DecryptionError("A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY.") from None
