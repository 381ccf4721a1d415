"""`manage.py verify_email`: an operator vouches for an address on a server without mail."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user


def test_it_verifies_an_account_that_then_signs_in(db):
    make_user("ada@example.com", verified=False)
    client = Client()

    call_command("verify_email", "ADA@example.com")
    client.post(reverse("account_login"), {"login": "ada@example.com", "password": PASSWORD})

    assert EmailAddress.objects.get(email="ada@example.com").verified
    assert "_auth_user_id" in client.session


def test_it_verifies_an_account_made_without_an_address_row(db):
    User.objects.create_superuser(username="root@example.com", email="root@example.com", password=PASSWORD)

    call_command("verify_email", "root@example.com")

    assert EmailAddress.objects.get(email="root@example.com").verified


def test_it_refuses_an_unknown_address_and_changes_nothing(db):
    make_user("ada@example.com", verified=False)

    with pytest.raises(CommandError, match="No user signs in with"):
        call_command("verify_email", "nobody@example.com")

    assert not EmailAddress.objects.filter(verified=True).exists()
