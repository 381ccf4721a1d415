"""The action editor: new and saved actions, the live trigger check.

Nothing is saved while any setting has an error: the form comes back with
each message beside its field. Preview and Send test event are in
``actions.views_preview``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from actions import catalog, event_paths, forms, org_fields, recent_events, trigger_check
from actions.access import action_of, destination_for
from actions.models import Action
from actions.validation import validate_action
from actions.views import is_htmx, page_context
from destinations.models import Destination
from workspaces.models import Membership

# Events whose paths fill the value pickers.
PATH_SAMPLE = 100


@login_required
@require_http_methods(["GET", "POST"])
def action_new(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, kind: str
) -> HttpResponse:
    membership, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    if kind not in catalog.KINDS:
        raise Http404
    taken = set(Action.objects.filter(destination=destination).values_list("name", flat=True))
    name = catalog.free_name(catalog.kind(kind).title, taken)
    return _editor(request, membership, destination, Action.from_kind(destination, kind, name=name))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    membership, destination = destination_for(
        request.user, workspace_id, destination_id, edit=request.method == "POST"
    )
    # An archived action's page stays readable (Data Out links to it) and offers Restore.
    return _editor(request, membership, destination, action_of(destination, action_id, archived=True))


def _editor(
    request: HttpRequest, membership: Membership, destination: Destination, action: Action
) -> HttpResponse:
    if request.method == "GET":
        form = forms.from_action(action)
        return render_editor(request, membership, destination, action, form)
    form = forms.read(request.POST, action.kind)
    settings = forms.settings_of(form)
    org = org_fields.for_editor(destination, action.kind, str(settings["sobject"]))
    if "_refresh" in request.POST:
        # The object changed (or, without JavaScript, the operation): show its
        # fields, save nothing. htmx swaps only the pickers, never an input.
        form.errors = {}
        partial = "org-refresh" if is_htmx(request) else None
        return render_editor(request, membership, destination, action, form, org, partial=partial)
    if action.is_archived:
        messages.error(request, "Nothing was saved: this action is deleted. Restore it to change it.")
        return render_editor(request, membership, destination, action, form, org, status=409)
    if org.unknown_object and action.kind == "custom_object":
        form.error("sobject", org.note)
    if not form.errors:
        form.errors = validate_action(settings, org.fields)
        for key, messages_ in org_fields.write_errors(settings, org).items():
            for message in messages_:
                form.error(key, message)
    if form.errors:
        messages.error(request, "Nothing was saved: correct the settings marked below.")
        return render_editor(request, membership, destination, action, form, org, status=400)
    is_new = action._state.adding
    forms.apply(action, settings)
    action.save()
    messages.success(request, f"The action {action.name} was {'created' if is_new else 'saved'}.")
    return redirect(
        "actions:edit",
        workspace_id=destination.workspace_id,
        destination_id=destination.pk,
        action_id=action.pk,
    )


def render_editor(
    request: HttpRequest,
    membership: Membership,
    destination: Destination,
    action: Action,
    form: forms.EditorForm,
    org: org_fields.OrgFields | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
    partial: str | None = None,
) -> HttpResponse:
    if org is None:
        org = org_fields.for_editor(destination, action.kind, form.sobject)
    context = page_context(
        membership, destination, **editor_context(destination, action, form, org), **(extra or {})
    )
    template = f"actions/editor.html#{partial}" if partial else "actions/editor.html"
    return render(request, template, context, status=status)


def editor_context(
    destination: Destination, action: Action, form: forms.EditorForm, org: org_fields.OrgFields
) -> dict[str, Any]:
    payloads = recent_events.recent_payloads(destination, PATH_SAMPLE)
    ids = {"workspace_id": destination.workspace_id, "destination_id": destination.pk}
    if action._state.adding:
        form_url = reverse("actions:new", kwargs={**ids, "kind": action.kind})
    else:
        form_url = reverse("actions:edit", kwargs={**ids, "action_id": action.pk})
    return {
        # Where the form saves to: not the page's own URL, which may be the preview's.
        "form_url": form_url,
        "action": action,
        "is_new": action._state.adding,
        "spec": catalog.kind(action.kind),
        "form": form,
        "org": org,
        "operations": Action._meta.get_field("operation").choices,
        "shown_for": forms.visibility_rules(),
        "writable_list": f"sf-writable-{form.operation if form.operation in ('update', 'upsert') else 'create'}",
        "event_paths": event_paths.paths_in(payloads),
        "writable": {
            "create": org.choices("createable"),
            "update": org.choices("updateable"),
            "upsert": org.choices("createable", "updateable"),
        },
        "filterable": org.choices("filterable"),
        "external_ids": org.choices("externalId"),
        "unfilterable": org.unfilterable(),
        "has_events": bool(payloads),
        "events": recent_events.events_page(destination, 1),
    }


@login_required
@require_POST
def check_trigger(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    """The trigger's feedback under its textarea, as the user types."""
    membership, destination = destination_for(request.user, workspace_id, destination_id, edit=True)
    result = trigger_check.check(request.POST.get("trigger", ""), recent_events.recent_payloads(destination))
    context = page_context(membership, destination, check=result)
    return render(request, "actions/editor.html#trigger-feedback", context)
