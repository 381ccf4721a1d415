"""The email that carries an invitation link, and whether this server can send it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from workspaces.models import Invitation

# Backends that deliver nothing to the addressee: the console prints the
# message to the server's log, the dummy drops it.
_NOT_DELIVERED = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def mail_is_set_up() -> bool:
    """Whether mail sent by this server reaches the addressee."""
    return settings.EMAIL_BACKEND not in _NOT_DELIVERED


def link_for(token: str) -> str:
    # The token travels in the query, which the access log leaves out; the
    # address is the configured public one, never the request's Host header.
    return f"{settings.PUBLIC_URL}{reverse('accept-invitation')}?{urlencode({'token': token})}"


def send_invitation(invitation: Invitation, token: str) -> None:
    days = settings.INVITATION_MAX_AGE_DAYS
    inviter = invitation.invited_by.email if invitation.invited_by else "An owner"
    send_mail(
        subject=f"You are invited to {invitation.workspace.name}",
        message=(
            f"{inviter} invites you to the workspace {invitation.workspace.name} as "
            f"{invitation.get_role_display().lower()}.\n\n"
            f"To accept, open this link within {days} day{'s' if days != 1 else ''} and sign in "
            f"(or sign up) with this address, {invitation.email}:\n\n{link_for(token)}\n\n"
            "If you did not expect this, ignore this email: nothing happens unless you accept.\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
