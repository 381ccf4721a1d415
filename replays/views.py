"""The replay page of a destination: count first (a dry run), then replay in the background.

Any member of the workspace may replay; outsiders get 404 from the access helper.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from actions.access import destination_for
from replays import dry_run, running
from replays.forms import ReplayForm
from replays.models import Replay
from replays.selection import ReplayRefused

RECENT = 10


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def replay(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    membership, destination = destination_for(
        request.user, workspace_id, destination_id, edit=request.method == "POST"
    )
    initial = {"action": request.GET.get("action")} if request.GET.get("action") else {}
    form = ReplayForm(request.POST or None, destination=destination, initial=initial)
    counted: dry_run.DryRun | None = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                if "start_replay" in request.POST:
                    started = running.start(
                        data["action"],
                        data["start"],
                        data["end"],
                        data["source"],
                        force=data["force"],
                        requested_by=request.user,
                    )
                    messages.success(request, "Replay started: its deliveries are being made.")
                    return redirect(f"{request.path}#replay-{started.pk}")
                counted = dry_run.count(data["action"], data["start"], data["end"], data["source"])
            except ReplayRefused as exc:
                form.add_error(None, str(exc))
                status = 400
    replays = Replay.objects.filter(action__destination=destination).select_related("action", "source")[
        :RECENT
    ]
    context: dict[str, Any] = {
        "workspace": membership.workspace,
        "membership": membership,
        "destination": destination,
        "form": form,
        "counted": counted,
        "to_send": counted.to_send(form.cleaned_data["force"]) if counted else 0,
        "replays": replays,
    }
    return render(request, "replays/replay.html", context, status=status)


@login_required
@never_cache
@require_GET
def progress(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, replay_id: int
) -> JsonResponse:
    _, destination = destination_for(request.user, workspace_id, destination_id)
    found = get_object_or_404(Replay, pk=replay_id, action__destination=destination)
    return JsonResponse(
        {
            "state": found.state,
            "percent": found.percent,
            "total": found.total,
            "looked_at": found.looked_at,
            "matched": found.matched,
            "created": found.created,
            "error": found.error,
        }
    )
