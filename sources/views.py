from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sources import rejections
from sources.forms import SourceForm
from sources.models import Source
from sources.provisioning import SourceExists, create_source, end_grace, rotate_key
from workspaces.access import get_in_workspace, membership_for
from workspaces.models import Membership, Workspace

RECENT_EVENTS = 50


@login_required
def source_list(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id)
    return _render_list(request, membership, SourceForm())


@login_required
@require_POST
@never_cache
def source_create(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    form = SourceForm(request.POST)
    if form.is_valid():
        try:
            source, key = create_source(membership.workspace, form.cleaned_data["name"])
        except SourceExists as exc:
            form.add_error("name", str(exc))
        else:
            return _show_key(request, membership.workspace, source, key, created=True)
    return _render_list(request, membership, form, status=400)


def _render_list(
    request: HttpRequest, membership: Membership, form: SourceForm, status: int = 200
) -> HttpResponse:
    context = {
        "workspace": membership.workspace,
        "membership": membership,
        "sources": membership.workspace.sources.all(),
        "form": form,
    }
    return render(request, "sources/list.html", context, status=status)


@login_required
def source_detail(request: HttpRequest, workspace_id: uuid.UUID, source_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id)
    source = get_in_workspace(Source, membership, source_id)
    events = source.events.order_by("-received_at", "-id")[:RECENT_EVENTS]
    return render(
        request,
        "sources/detail.html",
        {
            "workspace": membership.workspace,
            "membership": membership,
            "source": source,
            "events": events,
            "rejections": rejections.summary(source),
            "public_url": settings.PUBLIC_URL,
            "previous_key_works_until": source.previous_key_works_until(timezone.now()),
            "grace_hours": settings.WRITE_KEY_GRACE_HOURS,
        },
    )


@login_required
@require_POST
@never_cache
def source_rotate(request: HttpRequest, workspace_id: uuid.UUID, source_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    source = get_in_workspace(Source, membership, source_id)
    key = rotate_key(source)
    return _show_key(request, membership.workspace, source, key, created=False)


@login_required
@require_POST
def source_end_grace(request: HttpRequest, workspace_id: uuid.UUID, source_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    source = get_in_workspace(Source, membership, source_id)
    end_grace(source)
    messages.success(request, f"The previous write key of {source.name} no longer works.")
    return redirect("sources:detail", workspace_id=workspace_id, source_id=source_id)


@login_required
@require_POST
def source_delete(request: HttpRequest, workspace_id: uuid.UUID, source_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    source = get_in_workspace(Source, membership, source_id)
    source.delete()
    messages.success(request, f"The source {source.name} and its events were deleted.")
    return redirect("sources:list", workspace_id=workspace_id)


def _show_key(
    request: HttpRequest, workspace: Workspace, source: Source, key: str, *, created: bool
) -> HttpResponse:
    # Rendered straight from the POST, never redirected to: the key must not
    # land in a URL, a history entry or a cache.
    return render(
        request,
        "sources/key_issued.html",
        {
            "workspace": workspace,
            "source": source,
            "write_key": key,
            "created": created,
            "public_url": settings.PUBLIC_URL,
            "previous_key_works_until": source.previous_key_works_until(timezone.now()),
        },
    )
