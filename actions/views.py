"""The Actions tab: a destination's actions, their switches and their last day; archived actions.

The editor's pages are in ``actions.views_editor``; the logic they call is
in plain modules (``coverage``, ``activity``, ``archiving``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import activity, archiving, catalog, coverage
from actions.access import action_of, destination_for
from actions.models import Action
from destinations.models import Destination
from workspaces.models import Membership


def page_context(membership: Membership, destination: Destination, **extra: Any) -> dict[str, Any]:
    return {
        "workspace": membership.workspace,
        "membership": membership,
        "destination": destination,
        "salesforce_demo": settings.SALESFORCE_DEMO,
        **extra,
    }


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx made the request (django-htmx sets ``request.htmx``), so a partial is wanted."""
    return bool(getattr(request, "htmx", False))


def to_list(destination: Destination) -> HttpResponse:
    return redirect("actions:list", workspace_id=destination.workspace_id, destination_id=destination.pk)


@login_required
@require_GET
def action_list(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    membership, destination = destination_for(request.user, workspace_id, destination_id)
    actions = list(Action.live.filter(destination=destination))
    counts = activity.last_day_counts(destination)
    rows = [(action, _counts_of(counts, action)) for action in actions]
    context = page_context(
        membership,
        destination,
        rows=rows,
        kinds=catalog.KINDS.values(),
        gaps=_gaps(actions),
        archived=Action.objects.filter(destination=destination, archived_at__isnull=False).count(),
    )
    return render(request, "actions/list.html", context)


def _gaps(actions: list[Action]) -> list[coverage.Gap]:
    return coverage.gaps(coverage.Candidate(a.name, a.trigger, a.enabled, a.operation) for a in actions)


def _counts_of(counts: dict[str, dict[str, int]], action: Action) -> list[tuple[str, str, int]]:
    mine = counts.get(str(action.pk), {})
    return [
        (status.value, status.label, mine[status.value])
        for status in activity.SHOWN
        if mine.get(status.value)
    ]


@login_required
@require_POST
def action_toggle(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    """The enabled switch of one action; htmx gets the row back, a plain form the tab."""
    membership, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    action = action_of(destination, action_id)
    wanted = request.POST.get("enabled")
    if wanted not in ("on", "off"):
        return HttpResponse("enabled is on or off", status=400)
    action.enabled = wanted == "on"
    action.save(update_fields=["enabled", "updated_at"])
    if is_htmx(request):
        counts = _counts_of(activity.last_day_counts(destination), action)
        gaps = _gaps(list(Action.live.filter(destination=destination)))
        context = page_context(membership, destination, action=action, counts=counts, gaps=gaps)
        # The row, and the coverage banner out of band: switching an action may change it.
        return render(request, "actions/list.html#toggled", context)
    messages.success(request, f"{action.name} is {'on' if action.enabled else 'off'}.")
    return to_list(destination)


@login_required
@require_http_methods(["GET", "POST"])
def action_delete(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    """GET: what deleting keeps and stops, and a confirmation. POST: archive the action."""
    membership, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    action = action_of(destination, action_id)
    if request.method == "GET":
        context = page_context(membership, destination, action=action, history=archiving.history_of(action))
        return render(request, "actions/delete.html", context)
    closed = archiving.archive(action)
    note = f" {closed} waiting deliver{'y was' if closed == 1 else 'ies were'} not sent." if closed else ""
    messages.success(
        request,
        f"The action {action.name} was deleted. Its Data Out history is kept, and you can restore it "
        f"from Archived actions.{note}",
    )
    return to_list(destination)


@login_required
@require_GET
def archived_list(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    membership, destination = destination_for(request.user, workspace_id, destination_id)
    actions = Action.objects.filter(destination=destination, archived_at__isnull=False).order_by(
        "-archived_at"
    )
    return render(request, "actions/archived.html", page_context(membership, destination, actions=actions))


@login_required
@require_POST
def action_restore(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    _, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    action = action_of(destination, action_id, archived=True)
    if archiving.restore(action):
        state = "on: it takes events again" if action.enabled else "off, as it was"
        messages.success(request, f"The action {action.name} is restored and {state}.")
    else:
        messages.info(request, f"The action {action.name} was not deleted.")
    return to_list(destination)
