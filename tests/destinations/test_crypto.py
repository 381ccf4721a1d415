import pytest
from cryptography.fernet import Fernet
from django.db import connection

from destinations import crypto
from destinations.models import Destination


def test_it_round_trips_a_secret():
    assert crypto.decrypt(crypto.encrypt("00Dxx!AR8AQ")) == "00Dxx!AR8AQ"


def test_it_refuses_to_decrypt_with_unknown_keys(settings):
    ciphertext = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(crypto.DecryptionError, match="cannot be decrypted"):
        crypto.decrypt(ciphertext)


def test_it_decrypts_with_an_older_key_and_rotates_to_the_newest(settings):
    old_key, new_key = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    ciphertext = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    rotated = crypto.rotate(ciphertext)

    assert crypto.decrypt(ciphertext) == "secret"
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt(rotated) == "secret"


def test_it_stores_no_token_in_clear(team):
    destination = Destination.objects.create(workspace=team.workspace, name="Prod")
    destination.store_tokens("00Daccess!token", "5Aep-refresh-token")
    destination.save()

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM destinations_destination")
        raw = repr(cursor.fetchall())
    assert "00Daccess!token" not in raw
    assert "5Aep-refresh-token" not in raw
    fresh = Destination.objects.get(pk=destination.pk)
    assert (fresh.access_token, fresh.refresh_token) == ("00Daccess!token", "5Aep-refresh-token")


def test_it_keeps_the_refresh_token_when_a_refresh_returns_none(team):
    destination = Destination(workspace=team.workspace, name="Prod")
    destination.store_tokens("a1", "r1")

    destination.store_tokens("a2")

    assert (destination.access_token, destination.refresh_token) == ("a2", "r1")
    assert destination.token_version == 2
