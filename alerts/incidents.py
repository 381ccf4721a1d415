"""Turning condition readings into incidents: one message when one starts, one when it ends.

Runs every minute. A condition that keeps firing changes nothing; a message
is queued (a Notification per channel) only when an incident opens or closes.
An incident ends only when its condition has stayed clear for the quiet
period, so a condition hovering at its threshold is one incident, not a
message every minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from alerts import messages
from alerts.conditions import CHECKS
from alerts.models import AlertSettings, Channel, Incident, Notification
from deliveries.models import Delivery
from destinations.models import Destination

# How long a condition must stay clear before its incident ends.
QUIET_PERIOD = timedelta(minutes=5)


def settings_of(destination: Destination) -> AlertSettings:
    """The destination's alert settings; the defaults (unsaved) when it has none."""
    try:
        return destination.alert_settings
    except AlertSettings.DoesNotExist:
        return AlertSettings(destination=destination)


def check_all(now: datetime | None = None) -> int:
    """Check every enabled destination, and any with an open incident; the incidents opened or closed."""
    now = now or timezone.now()
    with_open_incident = Incident.objects.filter(ended_at=None).values("destination_id")
    destinations = Destination.objects.filter(Q(enabled=True) | Q(pk__in=with_open_incident))
    return sum(check(d, now) for d in destinations.select_related("workspace", "alert_settings"))


def forget_old(now: datetime | None = None) -> int:
    """Delete incidents (and their messages) that ended before the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=django_settings.DATA_RETENTION_DAYS)
    removed, _ = Incident.objects.filter(ended_at__lt=cutoff).delete()
    return removed


def check(destination: Destination, now: datetime) -> int:
    """Open or close the destination's incidents as its conditions say; how many opened or closed."""
    alert_settings = settings_of(destination)
    open_incidents = {i.condition: i for i in Incident.objects.filter(destination=destination, ended_at=None)}
    changed = 0
    for condition, reading_of in CHECKS.items():
        incident = open_incidents.get(condition)
        if not destination.enabled:
            # Switched off: nothing is expected of it any more.
            if incident is not None:
                changed += _close(destination, alert_settings, incident, now, now)
            continue
        reading = reading_of(destination, alert_settings, now)
        if reading.firing and incident is None:
            changed += _open(destination, alert_settings, condition, reading.summary, now)
        elif reading.firing and incident is not None and incident.clear_since is not None:
            # Back before the quiet period was over: the same incident goes on.
            Incident.objects.filter(pk=incident.pk).update(clear_since=None)
        elif not reading.firing and incident is not None:
            if incident.clear_since is None:
                Incident.objects.filter(pk=incident.pk).update(clear_since=now)
            elif now - incident.clear_since >= QUIET_PERIOD:
                changed += _close(destination, alert_settings, incident, incident.clear_since, now)
    return changed


def _open(
    destination: Destination, alert_settings: AlertSettings, condition: str, summary: str, now: datetime
) -> int:
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                destination=destination, condition=condition, started_at=now, summary=summary
            )
            _notify(destination, alert_settings, incident, "started", now)
    except IntegrityError:
        # Another checker opened it a moment ago: one incident, one message.
        return 0
    return 1


def _close(
    destination: Destination,
    alert_settings: AlertSettings,
    incident: Incident,
    ended_at: datetime,
    now: datetime,
) -> int:
    with transaction.atomic():
        # Only the checker that closes it sends the message.
        if not Incident.objects.filter(pk=incident.pk, ended_at=None).update(ended_at=ended_at):
            return 0
        incident.ended_at = ended_at
        incident.digest = digest(destination, incident.started_at, ended_at)
        incident.save(update_fields=["digest"])
        _notify(destination, alert_settings, incident, "ended", now)
    return 1


def digest(destination: Destination, start: datetime, end: datetime) -> dict[str, int]:
    """What happened meanwhile: the destination's deliveries made in [start, end), by status now."""
    rows = (
        Delivery.objects.filter(destination=destination, created_at__gte=start, created_at__lt=end)
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


def _notify(
    destination: Destination, alert_settings: AlertSettings, incident: Incident, event: str, now: datetime
) -> None:
    channels = []
    if alert_settings.email_members:
        channels.append(Channel.EMAIL)
    if alert_settings.webhook_url:
        channels.append(Channel.WEBHOOK)
    if not channels:
        return
    text = messages.body(
        event=event,
        workspace=destination.workspace.name,
        destination_id=str(destination.pk),
        destination=destination.name,
        condition=incident.condition,
        summary=incident.summary,
        started_at=incident.started_at,
        ended_at=incident.ended_at,
        digest=incident.digest if event == "ended" else None,
        link=_link(destination),
    )
    Notification.objects.bulk_create(
        Notification(
            incident=incident,
            event=event,
            channel=c,
            body=text,
            next_attempt_at=now,
        )
        for c in channels
    )


def _link(destination: Destination) -> str:
    path = reverse(
        "deliveries:data-out",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return django_settings.PUBLIC_URL.rstrip("/") + path
