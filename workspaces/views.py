from __future__ import annotations

import uuid
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from deliveries.holding import held_counts
from destinations.models import ConnectionState
from workspaces.access import membership_for, owner_membership_for
from workspaces.forms import AddMemberForm
from workspaces.models import Membership, Role

# Rows per list on the Connections page.
PER_PAGE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # login_required has excluded the anonymous user.
    user = cast(User, request.user)
    first = Membership.objects.filter(user=user).order_by("created_at").first()
    if first is None:
        return render(request, "workspaces/no_workspace.html")
    return redirect("workspaces:connections", workspace_id=first.workspace_id)


@login_required
@require_GET
def connections(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    """Sources and destinations of the workspace: where the dashboard starts."""
    membership = membership_for(request.user, workspace_id)
    workspace = membership.workspace
    destinations = Paginator(workspace.destinations.prefetch_related("sources"), PER_PAGE).get_page(
        request.GET.get("destinations")
    )
    sources = Paginator(workspace.sources.prefetch_related("destinations"), PER_PAGE)
    held = held_counts(destinations)
    context = {
        "membership": membership,
        "workspace": workspace,
        "destinations": destinations,
        "destination_rows": [(d, held.get(d.pk, 0)) for d in destinations],
        "needing_reconnect": workspace.destinations.filter(state=ConnectionState.NEEDS_RECONNECT),
        "sources": sources.get_page(request.GET.get("sources")),
        "salesforce_demo": settings.SALESFORCE_DEMO,
    }
    return render(request, "workspaces/connections.html", context)


@login_required
def members(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        membership = owner_membership_for(request.user, workspace_id)
        if form.is_valid():
            user = get_user_model().objects.get(email__iexact=form.cleaned_data["email"])
            Membership.objects.update_or_create(
                workspace=membership.workspace, user=user, defaults={"role": form.cleaned_data["role"]}
            )
            messages.success(request, f"{user.email} is now a {form.cleaned_data['role']} of this workspace.")
            return redirect("workspaces:members", workspace_id=workspace_id)
    return render(
        request,
        "workspaces/members.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "members": membership.workspace.memberships.select_related("user"),
            "form": form,
        },
    )


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
