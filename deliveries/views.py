"""Data Out pages: the log of a destination's deliveries, its CSV, one delivery's detail.

Views translate HTTP: the filter is read by ``deliveries.filters``, the
deliveries are chosen by ``deliveries.data_out.filtered`` (shared with the
CSV and "retry all failed"), cut into pages by ``deliveries.listing``.
Everything is fetched through ``workspaces.access``, so outsiders get 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from actions.models import Action
from deliveries import chart, error_groups, listing, retrying, shared_calls, transcript
from deliveries.data_out import csv_lines, filtered, rows
from deliveries.filters import PARAMS, RANGE_LABELS, STATUSES, Filter, FilterError, parse
from deliveries.models import Delivery, Status
from deliveries.outcomes import MATCHES_KEPT
from destinations.models import Destination
from workspaces.access import get_in_workspace, membership_for
from workspaces.models import Membership


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


def signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """``login_required`` for pages that poll with htmx.

    A poll after the session ended would otherwise follow the redirect and
    swap the sign-in page into the table; instead the whole page reloads,
    which lands on the sign-in page.
    """
    required = login_required(view)

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.htmx and not request.user.is_authenticated:
            return HttpResponseClientRefresh()
        return required(request, *args, **kwargs)

    return wrapper


def _base_context(membership: Membership, destination: Destination) -> dict[str, Any]:
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "destination": destination,
        "salesforce_demo": settings.SALESFORCE_DEMO,
    }


def destination_for(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, *, edit: bool = False
) -> tuple[Membership, Destination]:
    """The membership and the destination, or 404; with ``edit``, viewers are refused (403)."""
    membership = membership_for(request.user, workspace_id, edit=edit)
    return membership, get_in_workspace(Destination, membership, destination_id)


def delivery_for(destination: Destination, delivery_id: int) -> Delivery:
    """One of the destination's deliveries (already scoped to the user's workspace), or 404."""
    try:
        return Delivery.objects.select_related("action", "event").get(pk=delivery_id, destination=destination)
    except Delivery.DoesNotExist as exc:
        raise Http404 from exc


def selection_of(destination: Destination, query: Any, now: datetime) -> Filter:
    """The filter in ``query``; an action that is not this destination's is an error too."""
    selection = parse(query, now)
    if selection.action_id and not destination.actions.filter(pk=selection.action_id).exists():
        raise FilterError("That action does not belong to this destination (it may have been deleted).")
    return selection


@signed_in
@require_GET
def data_out(request: HtmxHttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    membership, destination = destination_for(request, workspace_id, destination_id)
    now = timezone.now()
    context = _base_context(membership, destination)
    try:
        selection = selection_of(destination, request.GET, now)
        after = listing.cursor(request.GET.get("after"), "after")
        before = listing.cursor(request.GET.get("before"), "before")
        all_of_destination = Delivery.objects.filter(destination=destination)
        deliveries = filtered(all_of_destination, selection)
        if request.htmx and after is not None:
            context.update(filter=selection)
            return _poll(request, context, all_of_destination, deliveries, after, now)
        current = listing.page(deliveries, before)
    except FilterError as exc:
        context.update(_form_context(destination, Filter(params=_raw_params(request))), error=str(exc))
        template = "deliveries/data_out.html#filter-error" if request.htmx else "deliveries/data_out.html"
        return render(request, template, context, status=400)
    context.update(_form_context(destination, selection), page=current)
    if not current.deliveries:
        context.update(has_actions=destination.actions.exists(), has_deliveries=all_of_destination.exists())
    if request.htmx:
        return render(request, "deliveries/data_out.html#rows", context)
    context.update(_page_extras(all_of_destination, deliveries, selection, now), polled_at=_unix_time(now))
    return render(request, "deliveries/data_out.html", context)


def _poll(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    all_of_destination: QuerySet[Delivery],
    deliveries: QuerySet[Delivery],
    after: int,
    now: datetime,
) -> HttpResponse:
    """New rows to put on top, and the watched unsettled rows as they are now.

    When rows arrived or a watched one changed since the last poll, the
    counts, the chart and the failure reasons come along, so the figures
    never disagree with the rows; a page where nothing moves (even one with
    rows waiting hours for their next try) costs no counting.
    """
    new = listing.newer_than(deliveries, after)
    watched = [int(i) for i in request.GET.getlist("watch") if i.isdigit()]
    changed = listing.refreshed(all_of_destination, watched, after)
    context.update(
        new_rows=new,
        changed_rows=changed,
        newest_id=max([after, *(d.pk for d in new)]),
        polled_at=_unix_time(now),
    )
    if new or listing.moved_since(changed, listing.poll_time(request.GET.get("polled_at"))):
        context.update(_figures(all_of_destination, deliveries, context["filter"], now))
    return render(request, "deliveries/data_out.html#poll", context)


def _unix_time(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def _raw_params(request: HttpRequest) -> dict[str, str]:
    """The filter parameters as typed, to refill the form next to its error."""
    return {name: request.GET.get(name, "") for name in PARAMS if request.GET.get(name)}


def _form_context(destination: Destination, selection: Filter) -> dict[str, Any]:
    return {
        "filter": selection,
        "statuses": [(s, Status(s).label) for s in STATUSES],
        "actions": Action.objects.filter(destination=destination).order_by("name"),
        "ranges": RANGE_LABELS.items(),
    }


def _figures(
    all_of_destination: QuerySet[Delivery], deliveries: QuerySet[Delivery], selection: Filter, now: datetime
) -> dict[str, Any]:
    """The counts around the rows: the chart, why deliveries failed, how many "Retry all failed" takes."""
    retryable = selection.status in ("", Status.FAILED)
    return {
        "chart": chart.build(chart.hourly_counts(all_of_destination, now), now),
        "error_groups": error_groups.top_errors(all_of_destination, now - timedelta(hours=chart.HOURS)),
        "failed_count": deliveries.filter(status=Status.FAILED).count() if retryable else 0,
    }


def _page_extras(
    all_of_destination: QuerySet[Delivery], deliveries: QuerySet[Delivery], selection: Filter, now: datetime
) -> dict[str, Any]:
    """What the full page shows around the rows: the figures, and the count for the held banner."""
    return {
        **_figures(all_of_destination, deliveries, selection, now),
        "held_count": all_of_destination.filter(status=Status.HELD).count(),
    }


@login_required
@require_GET
def export_csv(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponseBase:
    _, destination = destination_for(request, workspace_id, destination_id)
    now = timezone.now()
    try:
        selection = selection_of(destination, request.GET, now)
    except FilterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    deliveries = filtered(Delivery.objects.filter(destination=destination), selection)
    response = StreamingHttpResponse(csv_lines(rows(deliveries)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_name(destination, now)}"'
    return response


def _csv_name(destination: Destination, now: datetime) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in destination.name)
    return f"data-out-{safe.strip('-') or 'destination'}-{now:%Y-%m-%d}.csv"


@signed_in
@require_GET
def delivery_detail(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, delivery_id: int
) -> HttpResponse:
    membership, destination = destination_for(request, workspace_id, destination_id)
    delivery = delivery_for(destination, delivery_id)
    attempts = [
        (attempt, transcript.exchanges(attempt.requests, attempt.responses))
        for attempt in shared_calls.Reader().attach(delivery.attempt_log.order_by("-number"))
    ]
    context = {
        **_base_context(membership, destination),
        "delivery": delivery,
        "event_json": transcript.pretty(delivery.event.payload),
        "attempts": attempts,
        "can_retry": retrying.can_retry(delivery),
        "matches_kept": MATCHES_KEPT,
    }
    return render(request, "deliveries/detail.html", context)
