from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client

from sources.models import Source
from sources.provisioning import create_source
from workspaces.models import Membership, Role, Workspace

pytest_plugins = ["salesforce_emulator.pytest_plugin"]

PASSWORD = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "smoke: builds a fresh install from a clone (minutes); run only when asked with -m smoke"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # `make test` leaves the smoke test out; `.ci/run` asks for it (`-m smoke`).
    if config.option.markexpr:
        return
    smoke = [item for item in items if item.get_closest_marker("smoke")]
    if smoke:
        config.hook.pytest_deselected(items=smoke)
        items[:] = [item for item in items if not item.get_closest_marker("smoke")]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    # Live-server threads parked on a kept-alive client connection would
    # otherwise hold their database connection open past the test run, and
    # PostgreSQL refuses to drop a test database someone is connected to.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Production hashing costs a fifth of a second per password on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def one_lane_unless_told(settings: Any) -> None:
    """Each action sends in one lane, as a one-worker install does; the lane tests set their own."""
    settings.DELIVERY_LANES = 1


@pytest.fixture(autouse=True)
def fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    # allauth counts sign-ins and mails sent in the cache; one test's count
    # must not throttle the next. The database cache is reachable only from
    # tests that use the database, and only those sign in.
    uses_database = request.node.get_closest_marker("django_db") is not None
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            uses_database = True
            break
    if uses_database:
        for cache in caches.all():
            cache.clear()


@dataclass
class Team:
    workspace: Workspace
    owner: User
    member: User  # an editor: changes everything but the member list
    outsider: User
    viewer: User

    def client_for(self, who: str, *, enforce_csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.force_login(getattr(self, who))
        return client


def make_user(email: str, *, verified: bool = True) -> User:
    """A user who signs in with ``email``, proved as allauth would have it after the emailed link."""
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


@pytest.fixture
def team(db: None) -> Team:
    workspace = Workspace.objects.create(name="Acme")
    owner, member, outsider, viewer = (
        make_user(f"{who}@example.com") for who in ("owner", "member", "outsider", "viewer")
    )
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    Membership.objects.create(workspace=workspace, user=member, role=Role.EDITOR)
    Membership.objects.create(workspace=workspace, user=viewer, role=Role.VIEWER)
    # The outsider owns a workspace of their own, so "no access" is not "no workspace".
    elsewhere = Workspace.objects.create(name="Elsewhere")
    Membership.objects.create(workspace=elsewhere, user=outsider, role=Role.OWNER)
    return Team(workspace, owner, member, outsider, viewer)


@dataclass
class KeyedSource:
    source: Source
    key: str


@pytest.fixture
def source(team: Team) -> KeyedSource:
    created, key = create_source(team.workspace, "website")
    return KeyedSource(created, key)
