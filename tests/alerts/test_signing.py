"""The webhook signature: HMAC-SHA256 of the exact body."""

from __future__ import annotations

import hashlib
import hmac

from alerts import signing


def test_it_signs_the_body_with_hmac_sha256() -> None:
    expected = hmac.new(b"s3cret", b'{"a": 1}', hashlib.sha256).hexdigest()

    assert signing.signature("s3cret", b'{"a": 1}') == f"sha256={expected}"


def test_it_tells_a_changed_body_or_another_secret() -> None:
    header = signing.signature("s3cret", b"body")

    assert signing.is_valid("s3cret", b"body", header)
    assert not signing.is_valid("s3cret", b"body!", header)
    assert not signing.is_valid("other", b"body", header)


def test_it_makes_a_new_long_secret_each_time() -> None:
    first, second = signing.new_secret(), signing.new_secret()

    assert first != second and len(first) == 64
