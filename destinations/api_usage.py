"""The org's API requests used of its daily limit, as the destination page shows them.

``refresh`` reads ``GET /limits`` (``DailyApiRequests``); ``note`` takes the
running count every answer carries in ``Sforce-Limit-Info`` (a call's
``api_usage``), so that any caller passing it as ``on_call`` keeps the figure fresh.
"""

from __future__ import annotations

from django.utils import timezone

from destinations.models import Destination
from destinations.salesforce.calls import Call
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.tokens import client_for


def refresh(destination: Destination) -> tuple[int, int]:
    """Read ``/limits`` and store (used, max) of the daily API requests on the destination."""
    with client_for(destination) as client:
        limits = client.limits()
    daily = limits.get("DailyApiRequests")
    maximum = daily.get("Max") if isinstance(daily, dict) else None
    remaining = daily.get("Remaining") if isinstance(daily, dict) else None
    if not isinstance(maximum, int) or not isinstance(remaining, int):
        raise SalesforceError(
            ErrorKind.PERMANENT,
            error_code="UNEXPECTED_ANSWER",
            message="Salesforce's /limits answer has no DailyApiRequests Max and Remaining.",
        )
    _store(destination, max(0, maximum - remaining), maximum)
    return destination.api_requests_used or 0, maximum


def note(destination: Destination, call: Call) -> None:
    """Keep the usage a call's ``Sforce-Limit-Info`` reported (no call to Salesforce)."""
    if call.api_usage is not None:
        _store(destination, *call.api_usage)


def _store(destination: Destination, used: int, maximum: int) -> None:
    now = timezone.now()
    Destination.objects.filter(pk=destination.pk).update(
        api_requests_used=used, api_requests_max=maximum, api_usage_at=now
    )
    destination.api_requests_used, destination.api_requests_max, destination.api_usage_at = used, maximum, now
