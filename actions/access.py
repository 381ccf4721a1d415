"""Fetching a destination and its actions for the action pages, scoped to the user's workspace."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.shortcuts import get_object_or_404

from actions.models import Action
from destinations.models import Destination
from workspaces.access import get_in_workspace, membership_for
from workspaces.models import Membership


def destination_for(
    user: AbstractBaseUser | AnonymousUser,
    workspace_id: uuid.UUID,
    destination_id: uuid.UUID,
    *,
    edit: bool = False,
) -> tuple[Membership, Destination]:
    """The membership and the destination, or 404 for anyone outside the workspace.

    With ``edit``, viewers are refused (403).
    """
    membership = membership_for(user, workspace_id, edit=edit)
    return membership, get_in_workspace(Destination, membership, destination_id)


def action_of(destination: Destination, action_id: uuid.UUID, *, archived: bool = False) -> Action:
    """One of the destination's live actions (or archived ones too, with ``archived``), or 404."""
    manager = Action.objects if archived else Action.live
    return get_object_or_404(manager, pk=action_id, destination=destination)
