"""What the Data Out tests share: URLs, and real deliveries made against the emulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from actions.models import Action
from deliveries.models import Delivery
from destinations.models import Destination
from tests.engine.conftest import deliver, identify, make_action, send

BLOCKED_DOMAIN = "@blocked.example"


def data_out_url(destination: Destination, name: str = "data-out", **query: Any) -> str:
    url = reverse(
        f"deliveries:{name}",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return f"{url}?{urlencode(query)}" if query else url


def delivery_url(delivery: Delivery, name: str = "detail") -> str:
    return reverse(
        f"deliveries:{name}",
        kwargs={
            "workspace_id": delivery.destination.workspace_id,
            "destination_id": delivery.destination_id,
            "delivery_id": delivery.pk,
        },
    )


def lead(user: str, email: str | None = None, **traits: Any) -> dict[str, Any]:
    """An identify event a Lead action can create a record from."""
    return identify(user, last_name=f"Last {user}", company="Acme", email=email or f"{user}@x.io", **traits)


def lead_without_company(user: str) -> dict[str, Any]:
    """An identify event a Lead create refuses before sending: Company is required."""
    return identify(user, last_name=f"Last {user}", email=f"{user}@x.io")


def block_emails(org: Any) -> None:
    """An emulated org's validation rule that refuses Leads from one domain (a permanent failure)."""
    org.add_validation_rule(
        "Lead",
        "Leads from blocked.example are not accepted.",
        error_field="Email",
        condition={"field": "Email", "op": "ends_with", "value": BLOCKED_DOMAIN},
    )


def sent(sf: Any, destination: Destination, source: Any, *events: dict[str, Any], **action: Any) -> Action:
    """A Lead create action, the events sent through intake and delivered to the emulator."""
    created = make_action(destination, "lead", "create", **action)
    send(source, *events)
    deliver(created)
    return created
