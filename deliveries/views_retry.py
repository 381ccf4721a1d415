"""Retrying from Data Out: one delivery, or every failed one the current filter shows.

Both are POSTs confirmed on the page first (the confirmation of "retry all"
states how many); the work is done by ``deliveries.retrying``.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from deliveries import retrying
from deliveries.data_out import filtered
from deliveries.filters import FilterError
from deliveries.models import Delivery
from deliveries.views import delivery_for, destination_for, selection_of
from destinations.models import Destination


@login_required
@require_POST
def retry_delivery(
    request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID, delivery_id: int
) -> HttpResponse:
    _, destination = destination_for(request, workspace_id, destination_id, edit=True)
    delivery = delivery_for(destination, delivery_id)
    if retrying.retry_one(delivery):
        messages.success(request, f"Delivery {delivery.pk} will be sent again now.")
    else:
        delivery.refresh_from_db(fields=["status"])
        messages.error(
            request,
            f"Delivery {delivery.pk} is {delivery.get_status_display().lower()}: "
            "only failed deliveries and multiple matches can be retried.",
        )
    return HttpResponseRedirect(
        reverse(
            "deliveries:detail",
            kwargs={
                "workspace_id": workspace_id,
                "destination_id": destination.pk,
                "delivery_id": delivery.pk,
            },
        )
    )


@login_required
@require_POST
def retry_failed(request: HttpRequest, workspace_id: uuid.UUID, destination_id: uuid.UUID) -> HttpResponse:
    _, destination = destination_for(request, workspace_id, destination_id, edit=True)
    try:
        selection = selection_of(destination, request.POST, timezone.now())
    except FilterError as exc:
        messages.error(request, f"Nothing was retried: {exc}")
        return _to_data_out(destination)
    count = retrying.retry_all_failed(filtered(Delivery.objects.filter(destination=destination), selection))
    if count:
        plural = "delivery" if count == 1 else "deliveries"
        messages.success(request, f"{count} failed {plural} will be sent again now.")
    else:
        messages.info(request, "No failed deliveries match this filter: nothing was retried.")
    return _to_data_out(destination, selection.query_string())


def _to_data_out(destination: Destination, query: str = "") -> HttpResponse:
    url = reverse(
        "deliveries:data-out",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return HttpResponseRedirect(f"{url}?{query}" if query else url)
