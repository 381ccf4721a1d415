"""A destination that needs reconnecting, holding deliveries: for the Connections tests."""

from __future__ import annotations

from typing import Any

from actions.models import Action
from destinations.models import ConnectionState, Destination
from tests.engine.conftest import identify, send

REASON = "Salesforce refused the refresh token."


def destination_holding_two(team: Any, source: Any) -> Destination:
    """ "Acme org", enabled and needing reconnect, with two identify events held for its Lead action."""
    destination = Destination.objects.create(
        workspace=team.workspace,
        name="Acme org",
        enabled=True,
        state=ConnectionState.NEEDS_RECONNECT,
        state_reason=REASON,
    )
    destination.sources.add(source.source)
    Action.objects.create(
        destination=destination, kind="lead", name="Leads", trigger='type = "identify"', operation="create"
    )
    send(source, identify("u1", email="a@example.com"), identify("u2", email="b@example.com"))
    return destination
