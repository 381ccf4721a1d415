"""Putting a destination in "needs reconnect": it cannot send until someone reconnects it."""

from __future__ import annotations

import logging

from django.db import transaction

from deliveries.holding import hold_deliveries
from destinations.models import ConnectionState, Destination

logger = logging.getLogger(__name__)


def mark_needs_reconnect(destination: Destination, reason: str) -> None:
    """The destination cannot send until someone reconnects: say why and hold its deliveries."""
    with transaction.atomic():
        Destination.objects.filter(pk=destination.pk).update(
            state=ConnectionState.NEEDS_RECONNECT, state_reason=reason
        )
        hold_deliveries(destination)
    destination.state = ConnectionState.NEEDS_RECONNECT
    destination.state_reason = reason
    logger.warning("Destination %s needs reconnecting: %s", destination.pk, reason)
