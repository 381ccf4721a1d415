"""Helpers of the API budget tests: a destination's budget set, and Leads sent against it."""

from __future__ import annotations

from typing import Any

from actions.models import Action
from destinations.models import ApiCallHour
from tests.engine.conftest import deliver, identify, make_action, send


def send_leads(destination: Any, source: Any, count: int, **budget: Any) -> Action:
    """``count`` Lead creates sent by the sender, the budget set as given and counted from zero."""
    for name, value in budget.items():
        setattr(destination, name, value)
    destination.save()
    # The calls made to set the test up (describes) are not the sender's.
    ApiCallHour.objects.all().delete()
    action = make_action(destination, "lead", "create", trigger='type = "identify"')
    send(source, *(identify(f"u{n}", last_name=f"L{n}", company="Acme") for n in range(count)))
    deliver(action)
    return action
