"""Signing up proves the address by the emailed link before the account can be used."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

NEW = {"email": "new@example.com", "password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"}


def _sign_up(client):
    return client.post(reverse("account_signup"), NEW)


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_sends_a_verification_link_and_does_not_sign_in_on_sign_up(db, client):
    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _is_signed_in(client)
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert not EmailAddress.objects.get(email="new@example.com").verified


def test_it_refuses_to_sign_in_before_the_address_is_verified(db, client):
    _sign_up(client)

    client.post(reverse("account_login"), {"login": "new@example.com", "password": NEW["password1"]})

    assert not _is_signed_in(client)
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("account_login"))


def test_it_signs_in_after_following_the_emailed_link(db, client):
    _sign_up(client)
    link = _link_in(mail.outbox[0])

    assert client.get(link).status_code == 200
    client.post(link)
    client.post(reverse("account_login"), {"login": "new@example.com", "password": NEW["password1"]})

    assert EmailAddress.objects.get(email="new@example.com").verified
    assert _is_signed_in(client)
    user = User.objects.get(email="new@example.com")
    workspace = user.memberships.get().workspace
    assert client.get("/")["Location"] == reverse(
        "workspaces:connections", kwargs={"workspace_id": workspace.pk}
    )


def test_a_forged_link_verifies_nothing(db, client):
    _sign_up(client)

    client.post(reverse("account_confirm_email", kwargs={"key": "forged-key"}))

    assert not EmailAddress.objects.get(email="new@example.com").verified


def test_a_verified_user_signs_in(db, client):
    make_user("ada@example.com")

    client.post(reverse("account_login"), {"login": "ada@example.com", "password": PASSWORD})

    assert _is_signed_in(client)


def test_the_page_after_sign_up_says_when_mail_is_not_set_up(db, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

    page = client.post(reverse("account_signup"), NEW, follow=True).content.decode()

    assert "Mail is not set up on this server" in page
    assert "We have sent you an email" not in page


def test_the_page_after_sign_up_points_to_the_email_when_mail_is_set_up(db, client):
    page = client.post(reverse("account_signup"), NEW, follow=True).content.decode()

    assert "We have sent you an email" in page


def test_an_account_from_before_verification_is_sent_the_link_when_it_signs_in(db, client):
    User.objects.create_user(username="old@example.com", email="old@example.com", password=PASSWORD)

    client.post(reverse("account_login"), {"login": "old@example.com", "password": PASSWORD})

    assert not _is_signed_in(client)
    assert [m.to for m in mail.outbox] == [["old@example.com"]]
    _link_in(mail.outbox[0])
