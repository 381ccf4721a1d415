"""Failed sign-ins are limited on every way in, and counted where every process sees them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
WRONG = "not the password"


def _staff(email: str = "admin@example.com") -> User:
    user = make_user(email)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_page_sends_to_the_sign_in_page(db, client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_forty_wrong_passwords_then_the_right_one_do_not_sign_in_through_the_admin(db, client):
    admin = _staff()

    for _ in range(40):
        client.post("/admin/login/", {"username": admin.username, "password": WRONG})
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    assert not _is_signed_in(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_forty_wrong_passwords_then_the_right_one_do_not_sign_in_through_the_sign_in_page(db, client):
    admin = _staff()

    for _ in range(40):
        client.post(reverse("account_login"), {"login": admin.email, "password": WRONG})
    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})

    assert not _is_signed_in(client)
    assert response.status_code == 429


def test_a_staff_user_signed_in_through_the_sign_in_page_reaches_the_admin(db, client):
    admin = _staff()

    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})

    assert client.get("/admin/").status_code == 200


def test_the_admin_stays_closed_to_signed_in_users_who_are_not_staff(team):
    assert team.client_for("owner").get("/admin/login/").status_code == 403


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# Another process of the same install, as a second web worker would be.
_OTHER_WORKER = """
import django, sys
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client()
for _ in range(int(sys.argv[1])):
    client.post("/accounts/login/", {"login": sys.argv[2], "password": "not the password"})
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_count_of_failed_sign_ins(client):
    user = make_user("ada@example.com")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    # allauth's limit: 5 failures per address in 5 minutes; all spent elsewhere.
    subprocess.run(
        [sys.executable, "-c", _OTHER_WORKER, "5", user.email], env=env, cwd=ROOT, check=True, timeout=120
    )
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert not _is_signed_in(client)
    assert b"Too many failed login attempts" in response.content
