"""Preview and Send test event, from the action editor.

Preview takes the editor's form as posted (saved or not) and one event,
picked from the destination's recent events or pasted, and shows what would
be sent, sending nothing (``deliveries.preview``). Send test event sends a
stored event through the saved action for real, after a confirmation
(``deliveries.test_send``).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import catalog, forms, org_fields, recent_events
from actions.access import action_of, destination_for
from actions.models import Action
from actions.views import is_htmx, page_context
from actions.views_editor import render_editor
from deliveries import preview as previews
from deliveries.test_send import CannotSend, send_test
from destinations.models import Destination
from sources.json_input import loads_finite
from sources.models import Event


@login_required
@require_GET
def event_picker(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    membership, destination = destination_for(request.user, workspace_id, destination_id)
    context = page_context(
        membership, destination, events=recent_events.events_page(destination, request.GET.get("page"))
    )
    return render(request, "actions/_preview_panel.html#event-picker", context)


@login_required
@require_POST
def preview(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    """The editor's contents (as posted) applied to one event, nothing sent."""
    membership, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    kind = request.POST.get("kind", "")
    if kind not in catalog.KINDS:
        return HttpResponse("Unknown action kind.", status=400)
    form = forms.read(request.POST, kind)
    posted = forms.settings_of(form)
    action = _action_to_preview(destination, request.POST.get("action_id", ""), kind)
    forms.apply(action, posted)
    org = org_fields.for_editor(destination, kind, action.sobject)
    event, problem = _chosen_event(request, destination)
    result = None
    if event is not None:
        result = previews.preview(
            action,
            event.payload if isinstance(event, Event) else event,
            org.fields,
            settings.SALESFORCE_API_VERSION,
            described=org.described,
        )
    context: dict[str, Any] = {
        "preview": result,
        "problem": problem,
        "event": event if isinstance(event, Event) else None,
        "saved_action": None if action._state.adding else action,
        "form_errors": form.errors,
        "bulk": action.use_bulk,
    }
    if is_htmx(request):
        return render(
            request,
            "actions/_preview_panel.html#preview-result",
            page_context(membership, destination, **context),
        )
    # Without JavaScript the whole editor comes back, the preview beside it.
    return render_editor(request, membership, destination, action, form, org, extra=context)


def _action_to_preview(destination: Destination, action_id: str, kind: str) -> Action:
    """The saved action the editor shows, to preview its edits; a new one for a new action."""
    try:
        saved = destination.actions.get(pk=uuid.UUID(action_id))
    except (ValueError, Action.DoesNotExist):
        return Action(destination=destination, kind=kind)
    return saved


def _chosen_event(
    request: HttpRequest, destination: Destination
) -> tuple[Event | dict[str, Any] | None, str]:
    pasted = request.POST.get("event_json", "").strip()
    if pasted:
        try:
            message = loads_finite(pasted)
        except json.JSONDecodeError as exc:
            return (
                None,
                f"The pasted event is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).",
            )
        except ValueError as exc:
            # Nested past the limit intake keeps, or a number that is not finite.
            return None, f"The pasted event cannot be used. {exc}"
        if not isinstance(message, dict):
            return None, 'The pasted event must be a JSON object, like {"type": "identify", ...}.'
        return message, ""
    chosen = request.POST.get("event_id", "")
    if not chosen.isdigit():
        return None, "Pick one of the recent events, or paste one."
    event = recent_events.recent_events(destination).filter(pk=int(chosen)).first()
    if event is None:
        return None, "That event is not one of this destination's sources' events."
    return event, ""


@login_required
@require_http_methods(["GET", "POST"])
def send_test_event(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    """GET: what will be sent, and a confirmation. POST: send it, and show Salesforce's answer."""
    membership, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    action = action_of(destination, action_id)
    chosen = request.POST.get("event_id") if request.method == "POST" else request.GET.get("event_id")
    event = None
    if chosen and chosen.isdigit():
        event = recent_events.recent_events(destination).filter(pk=int(chosen)).first()
    context = page_context(membership, destination, action=action, event=event)
    if event is None:
        context["problem"] = "Pick one of this destination's recent events in the editor's Preview first."
        return render(request, "actions/send_test.html", context, status=400)
    if request.method == "POST":
        try:
            delivery = send_test(action, event)
        except CannotSend as exc:
            context["problem"] = str(exc)
            return render(request, "actions/send_test.html", context, status=409)
        attempt = delivery.attempt_log.last()
        context["delivery"] = delivery
        context["trace"] = (
            json.dumps(
                {"requests": attempt.requests, "responses": attempt.responses}, indent=2, ensure_ascii=False
            )
            if attempt is not None
            else ""
        )
    return render(request, "actions/send_test.html", context)
