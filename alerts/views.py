"""The alerts page of a destination: who is told, when, and what was sent.

Any member of the workspace may change it (owners and editors; outsiders get
404 from the access helper).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions.access import destination_for
from alerts import settings_changes
from alerts.forms import AlertSettingsForm
from alerts.incidents import settings_of
from alerts.models import Incident, Notification

RECENT = 20


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def alert_settings(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    membership, destination = destination_for(
        request.user, workspace_id, destination_id, edit=request.method == "POST"
    )
    current = settings_of(destination)
    form = AlertSettingsForm(request.POST or None, instance=current)
    secret = ""
    if request.method == "POST" and form.is_valid():
        secret = settings_changes.save(form.save(commit=False), new_secret=form.cleaned_data["new_secret"])
        if not secret:
            messages.success(request, "Alert settings saved.")
            return redirect("alerts:settings", workspace_id=workspace_id, destination_id=destination_id)
        form = AlertSettingsForm(instance=current)
    context = {
        "workspace": membership.workspace,
        "membership": membership,
        "destination": destination,
        "form": form,
        "secret": secret,
        "threshold_fields": [form["failure_percent"], form["failure_minimum"], form["lag_minutes"]],
        "has_secret": bool(current.webhook_secret_encrypted),
        "incidents": Incident.objects.filter(destination=destination)[:RECENT],
        "notifications": Notification.objects.filter(incident__destination=destination).select_related(
            "incident"
        )[:RECENT],
    }
    return render(request, "alerts/settings.html", context, status=400 if form.errors else 200)
