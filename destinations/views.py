"""Destination pages: list, create, settings, connect, disconnect, org metadata.

Views translate HTTP; the flows are in ``destinations.connect``, the org
metadata in ``destinations.salesforce.describe`` and ``destinations.api_usage``. Every object is fetched
through ``workspaces.access``, so outsiders get 404.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliveries.budget_hold import release_if_room
from deliveries.holding import held_counts
from destinations import api_usage, budget_gauge, connect
from destinations.forms import DestinationForm, NewDestinationForm
from destinations.models import Destination
from destinations.salesforce import describe
from destinations.salesforce.errors import SalesforceError
from workspaces.access import get_in_workspace, membership_for
from workspaces.models import Membership


def _context(membership: Membership, **extra: Any) -> dict[str, Any]:
    return {
        "workspace": membership.workspace,
        "membership": membership,
        "salesforce_demo": settings.SALESFORCE_DEMO,
        **extra,
    }


def _to_detail(destination: Destination) -> HttpResponse:
    return redirect(
        "destinations:detail", workspace_id=destination.workspace_id, destination_id=destination.pk
    )


@login_required
@require_GET
def destination_list(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = membership_for(request.user, workspace_id)
    destinations = list(
        Destination.objects.filter(workspace=membership.workspace).prefetch_related("sources")
    )
    held = held_counts(destinations)
    rows = [(d, held.get(d.pk, 0)) for d in destinations]
    return render(
        request,
        "destinations/list.html",
        _context(membership, destinations=destinations, destination_rows=rows),
    )


@login_required
@require_GET
def destination_add(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    """Step one of Add New: the destinations there are to choose from (Salesforce)."""
    membership = membership_for(request.user, workspace_id, edit=True)
    return render(request, "destinations/add.html", _context(membership))


@login_required
@require_http_methods(["GET", "POST"])
def destination_create(request: HttpRequest, workspace_id: uuid.UUID) -> HttpResponse:
    """Steps two and three of Add New: sources, then settings; Connect and Enable follow on its page."""
    membership = membership_for(request.user, workspace_id, edit=True)
    if request.method == "GET":
        form = NewDestinationForm(workspace=membership.workspace)
        return _render_new(request, membership, form)
    form = NewDestinationForm(request.POST, workspace=membership.workspace)
    if not form.is_valid():
        return _render_new(request, membership, form, status=400)
    destination = form.save(commit=False)
    destination.workspace = membership.workspace
    destination.save()
    form.save_m2m()
    messages.success(
        request, f"The destination {destination.name} was created. Connect it to Salesforce next."
    )
    return _to_detail(destination)


def _render_new(
    request: HttpRequest, membership: Membership, form: NewDestinationForm, status: int = 200
) -> HttpResponse:
    return render(request, "destinations/new.html", _context(membership, form=form), status=status)


@login_required
@require_POST
def destination_enable(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID
) -> HttpResponse:
    """Enable Destination (or disable it: it keeps its configuration and receives nothing)."""
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    wanted = request.POST.get("enabled")
    if wanted not in ("on", "off"):
        messages.error(request, "Say whether the destination should be enabled (on) or disabled (off).")
        return _to_detail(destination)
    destination.enabled = wanted == "on"
    destination.save(update_fields=["enabled"])
    if destination.enabled and not destination.is_connected:
        messages.warning(
            request,
            f"{destination.name} is enabled, but nothing will be sent to Salesforce until it is connected: "
            "events its actions take are held, not lost, until you press Connect.",
        )
    elif destination.enabled:
        messages.success(request, f"{destination.name} is enabled: its actions now take events.")
    else:
        messages.info(request, f"{destination.name} is disabled: it keeps its actions and receives nothing.")
    return _to_detail(destination)


@login_required
@require_GET
def destination_detail(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id)
    destination = get_in_workspace(Destination, membership, destination_id)
    form = DestinationForm(instance=destination, workspace=membership.workspace)
    return _render_detail(request, membership, destination, form)


def _render_detail(
    request: HttpRequest,
    membership: Membership,
    destination: Destination,
    form: DestinationForm,
    status: int = 200,
) -> HttpResponse:
    context = _context(
        membership,
        destination=destination,
        form=form,
        login_url=connect.login_url_for(destination),
        metadata=describe.summary(destination),
        metadata_max_age_minutes=max(1, settings.SALESFORCE_DESCRIBE_MAX_AGE // 60),
        budget=budget_gauge.read(destination),
    )
    return render(request, "destinations/detail.html", context, status=status)


@login_required
@require_POST
def destination_settings(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    was_sandbox, was_login_url = destination.is_sandbox, destination.login_url
    form = DestinationForm(request.POST, instance=destination, workspace=membership.workspace)
    if not form.is_valid():
        return _render_detail(request, membership, destination, form, status=400)
    destination = form.save()
    reason = connect.settings_changed(destination, was_sandbox=was_sandbox, was_login_url=was_login_url)
    # A raised budget sends what waited for it now, not when the old one would have freed up.
    release_if_room(destination)
    if reason:
        messages.warning(request, f"Settings saved. {reason}")
    else:
        messages.success(request, "Settings saved.")
    return _to_detail(destination)


@login_required
@require_POST
@never_cache
def destination_connect(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    try:
        authorize_url = connect.begin(request.session, destination)
    except connect.ConnectError as exc:
        messages.error(request, str(exc))
        return _to_detail(destination)
    return HttpResponseRedirect(authorize_url)


@login_required
@require_GET
@never_cache
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """Where Salesforce sends the browser back: ``/oauth/salesforce/callback/``."""
    try:
        started = connect.take_pending(request.session, request.GET.get("state"))
    except connect.UnknownState:
        return render(request, "destinations/callback_refused.html", status=403)
    membership = membership_for(request.user, started.workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, started.destination_id)
    outcome = connect.finish(request.session, destination, started, request.GET.dict())
    if outcome.confirmation_id:
        return redirect(
            "destinations:confirm-org",
            workspace_id=destination.workspace_id,
            destination_id=destination.pk,
            confirmation_id=outcome.confirmation_id,
        )
    if outcome.connected:
        messages.success(request, outcome.message)
    else:
        messages.error(request, outcome.message)
    return _to_detail(destination)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def confirm_org(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, confirmation_id: str
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    try:
        if request.method == "POST":
            identity = connect.confirm_other_org(request.session, destination, confirmation_id)
            messages.success(request, f"Connected to the other org as {identity.username}.")
            return _to_detail(destination)
        waiting = connect.pending_confirmation(request.session, destination, confirmation_id)
    except connect.UnknownState:
        messages.error(request, "This confirmation has expired or was used. Press Connect to start again.")
        return _to_detail(destination)
    context = _context(membership, destination=destination, waiting=waiting)
    return render(request, "destinations/confirm_org.html", context)


@login_required
@require_POST
def cancel_org(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, confirmation_id: str
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    # An expired or used confirmation leaves nothing to cancel.
    with contextlib.suppress(connect.UnknownState):
        connect.cancel_other_org(request.session, destination, confirmation_id)
    messages.info(request, "The destination stays with the org it had.")
    return _to_detail(destination)


@login_required
@require_POST
def destination_disconnect(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    if connect.disconnect(destination):
        messages.success(request, "Disconnected. The token was revoked at Salesforce; deliveries are held.")
    else:
        messages.warning(
            request,
            "Disconnected here; deliveries are held. Salesforce could not confirm the token was revoked: "
            "check Connected Apps OAuth Usage in Salesforce Setup.",
        )
    return _to_detail(destination)


@login_required
@require_POST
def refresh_metadata(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID
) -> HttpResponse:
    membership = membership_for(request.user, workspace_id, edit=True)
    destination = get_in_workspace(Destination, membership, destination_id)
    try:
        found = describe.refresh(destination)
        api_usage.refresh(destination)
    except SalesforceError as exc:
        messages.error(request, f"Salesforce did not answer the metadata request: {exc}")
    else:
        messages.success(request, f"Read {len(found)} objects and the API usage again from Salesforce.")
    return _to_detail(destination)
