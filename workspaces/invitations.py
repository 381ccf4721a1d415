"""Inviting people to a workspace: an expiring, single-use link for one email address.

An owner names an address; whoever holds the link must also be signed in with
that address, verified, to join. The owner learns nothing about whether the
address has an account here.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from workspaces.models import Invitation, Membership, Role, Workspace

# Invitations a workspace may send in an hour: enough for any team, too few
# to use the server as a mailer to strangers.
INVITATIONS_PER_HOUR = 50


class TooManyInvitations(Exception):
    """The workspace has sent its hour's share of invitations."""


class InvitationRefused(Exception):
    """The invitation cannot be accepted by this user; the message says why."""


class InvitationNotFound(InvitationRefused):
    """No pending invitation has this token: unknown, expired, used or revoked alike."""


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(workspace: Workspace, email: str, role: str, invited_by: User) -> tuple[Invitation, str]:
    """A new pending invitation and its token, which is stored only as a hash."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    if (
        Invitation.objects.filter(workspace=workspace, created_at__gte=an_hour_ago).count()
        >= INVITATIONS_PER_HOUR
    ):
        raise TooManyInvitations(
            f"This workspace has sent {INVITATIONS_PER_HOUR} invitations in the last hour; try again later."
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=hash_of(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    return invitation, token


def pending(token: str) -> Invitation:
    """The pending invitation with this token, or InvitationNotFound."""
    found = (
        Invitation.objects.select_related("workspace")
        .filter(token_hash=hash_of(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if found is None:
        raise InvitationNotFound(
            "This invitation link is not valid: it has expired, was used or was withdrawn."
        )
    return found


def holds_address(user: User, email: str) -> bool:
    """Whether the user has proved ``email`` (by the emailed verification link)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def accept(token: str, user: User) -> Membership:
    """Join the user to the invitation's workspace, once; refused unless the user proved its address."""
    invitation = pending(token)
    if not holds_address(user, invitation.email):
        raise InvitationRefused(
            "This invitation is for another email address. Sign in with the address it was sent to "
            "(verified) to accept it."
        )
    # The conditional update makes the link single-use even when two requests race.
    taken = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if taken != 1:
        raise InvitationNotFound(
            "This invitation link is not valid: it has expired, was used or was withdrawn."
        )
    membership, _ = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    return membership


@transaction.atomic
def leave(membership: Membership) -> bool:
    """Remove the membership unless it is the workspace's last owner; whether it was removed."""
    owners = Membership.objects.select_for_update().filter(workspace=membership.workspace_id, role=Role.OWNER)
    if membership.is_owner and owners.count() == 1:
        return False
    membership.delete()
    return True
