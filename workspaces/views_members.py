"""Members of a workspace: the list, invitations, leaving and removing."""

from __future__ import annotations

import logging
import uuid
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from workspaces import invitations
from workspaces.access import membership_for, owner_membership_for
from workspaces.forms import InviteForm
from workspaces.invitation_mail import link_for, mail_is_set_up, send_invitation
from workspaces.models import Invitation, Membership, Role

log = logging.getLogger(__name__)


def _signed_in(request: HttpRequest) -> User:
    # Every view here is behind login_required, which excludes the anonymous user.
    return cast(User, request.user)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def members(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    """The member list; owners invite by email address here."""
    if request.method == "GET":
        return _render(request, membership_for(request.user, workspace_id), InviteForm())
    membership = owner_membership_for(request.user, workspace_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _render(request, membership, form, status=400)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    try:
        invitation, token = invitations.invite(membership.workspace, email, role, _signed_in(request))
    except invitations.TooManyInvitations as exc:
        form.add_error(None, str(exc))
        return _render(request, membership, form, status=429)
    # The same answer whether or not the address has an account here, so the
    # form cannot be used to find out who is registered.
    if mail_is_set_up():
        try:
            send_invitation(invitation, token)
        except OSError:
            log.exception("The invitation email could not be sent")
        else:
            messages.success(request, f"An invitation was sent to {email}.")
            return redirect("workspaces:members", workspace_id=workspace_id)
    # No mail leaves this server: the link is shown once, to the owner, who
    # passes it on; it works only for someone signed in with that address.
    return _render(request, membership, InviteForm(), issued={"email": email, "link": link_for(token)})


def _render(
    request: HttpRequest,
    membership: Membership,
    form: InviteForm,
    *,
    issued: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = membership.workspace
    context = {
        "membership": membership,
        "workspace": workspace,
        "members": workspace.memberships.select_related("user"),
        "invitations": workspace.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now()),
        "form": form,
        "issued": issued,
        "mail_is_set_up": mail_is_set_up(),
        "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    return render(request, "workspaces/members.html", context, status=status)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, workspace_id: uuid.UUID, invitation_id: int) -> HttpResponse:
    membership = owner_membership_for(request.user, workspace_id)
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, workspace=membership.workspace, accepted_at__isnull=True
    )
    invitation.delete()
    messages.success(
        request, f"The invitation to {invitation.email} was withdrawn; its link no longer works."
    )
    return redirect("workspaces:members", workspace_id=workspace_id)


@login_required
@require_POST
def leave(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id)
    if not invitations.leave(membership):
        messages.error(request, "You are its last owner: make another member an owner first.")
        return redirect("workspaces:members", workspace_id=workspace_id)
    messages.success(request, f"You left {membership.workspace.name}.")
    return redirect("home")


@login_required
@require_POST
def remove_member(request: HttpRequest, workspace_id: uuid.UUID, membership_id: int) -> HttpResponse:
    membership = owner_membership_for(request.user, workspace_id)
    with transaction.atomic():
        target = get_object_or_404(Membership, pk=membership_id, workspace=membership.workspace)
        owners = membership.workspace.memberships.filter(role=Role.OWNER).count()
        if target.is_owner and owners == 1:
            messages.error(request, "A workspace keeps at least one owner.")
        else:
            target.delete()
            messages.success(request, f"{target.user.email} was removed from the workspace.")
    if target.user_id == request.user.pk:
        return redirect("home")
    return redirect("workspaces:members", workspace_id=workspace_id)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def accept_invitation(request: HttpRequest) -> HttpResponse:
    """GET: what the invitation offers; POST: join. The token comes in the query or the form."""
    token = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    try:
        invitation = invitations.pending(token or "")
        if request.method == "POST":
            joined = invitations.accept(token or "", _signed_in(request))
            messages.success(request, f"You are now a member of {joined.workspace.name}.")
            return redirect("workspaces:connections", workspace_id=joined.workspace_id)
        if not invitations.holds_address(_signed_in(request), invitation.email):
            raise invitations.InvitationRefused(
                "This invitation is for another email address. Sign in with the address it was sent to "
                "(verified) to accept it."
            )
    except invitations.InvitationNotFound as exc:
        return render(request, "workspaces/invitation.html", {"problem": str(exc)}, status=404)
    except invitations.InvitationRefused as exc:
        return render(request, "workspaces/invitation.html", {"problem": str(exc)}, status=403)
    return render(request, "workspaces/invitation.html", {"invitation": invitation, "token": token})
