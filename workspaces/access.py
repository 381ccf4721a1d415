"""The one way views reach workspace-owned objects.

Everything is fetched by UUID and scoped to a workspace the user belongs to;
anyone else gets a 404, so an outsider cannot even learn that an id exists.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from workspaces.models import Membership

M = TypeVar("M", bound=models.Model)


def membership_for(
    user: AbstractBaseUser | AnonymousUser, workspace_id: uuid.UUID | str, *, edit: bool = False
) -> Membership:
    """The user's membership of the workspace, or 404.

    With ``edit``, viewers are refused (403): they may read every page of the
    workspace and change nothing in it.
    """
    if not user.is_authenticated:
        raise Http404
    try:
        membership = Membership.objects.select_related("workspace").get(
            workspace_id=workspace_id, user_id=user.pk
        )
    except (Membership.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if edit and not membership.can_edit:
        raise PermissionDenied("Viewers can read this workspace but not change it.")
    return membership


def owner_membership_for(user: AbstractBaseUser | AnonymousUser, workspace_id: uuid.UUID | str) -> Membership:
    """Like ``membership_for``, and refuses (403) members who are not owners."""
    membership = membership_for(user, workspace_id)
    if not membership.is_owner:
        raise PermissionDenied("Only an owner of this workspace can do that.")
    return membership


def get_in_workspace(model: type[M], membership: Membership, object_id: uuid.UUID | str) -> M:
    """An object of ``model`` that belongs to the membership's workspace, or 404."""
    try:
        return model._default_manager.get(pk=object_id, workspace_id=membership.workspace_id)
    except (model.DoesNotExist, ValueError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc
