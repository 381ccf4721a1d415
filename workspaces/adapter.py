from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from workspaces.provisioning import create_personal_workspace


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up may be closed by configuration; a new user gets a workspace."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_OPEN)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            create_personal_workspace(user)
        return user
