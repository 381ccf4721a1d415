from __future__ import annotations

import uuid
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from deliveries.holding import held_counts
from destinations.models import ConnectionState
from workspaces.access import membership_for
from workspaces.models import Membership

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
