"""Creating workspaces and their first members."""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from workspaces.models import Membership, Role, Workspace


def unique_workspace_name(base: str) -> str:
    name = base[:90]
    suffix = 2
    while Workspace.objects.filter(name=name).exists():
        name = f"{base[:85]} ({suffix})"
        suffix += 1
    return name


@transaction.atomic
def create_personal_workspace(user: User) -> Workspace:
    """The workspace a newly signed-up user starts in, owned by them."""
    workspace = Workspace.objects.create(
        name=unique_workspace_name(f"{user.email or user.username}'s workspace")
    )
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    return workspace


def make_owner(workspace: Workspace, user: User) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        workspace=workspace, user=user, defaults={"role": Role.OWNER}
    )
    return membership


@transaction.atomic
def create_demo_owner(email: str = "demo@example.com") -> tuple[Workspace, User, str] | None:
    """On an empty database: a demo workspace and its owner with a fresh password.

    Returns None when any user exists already, so a restart never resets a
    password someone has started to use.
    """
    user_model = get_user_model()
    if user_model.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    user = user_model.objects.create_user(username=email, email=email, password=password)
    workspace, _ = Workspace.objects.get_or_create(name="Demo")
    make_owner(workspace, user)
    _mark_email_verified(user)
    return workspace, user, password


def _mark_email_verified(user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
