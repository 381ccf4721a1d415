"""Helpers of the alerts tests: a webhook set up, faults through the emulator's control API, a failing message."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import requests
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from alerts import settings_changes
from alerts.models import AlertSettings, Incident, Notification
from salesforce_emulator.control_guard import TOKEN_HEADER
from tests.engine.conftest import deliver, identify, make_action, send


def webhook_to(destination: Any, url: str, **thresholds: Any) -> str:
    """Alerts of the destination posted to ``url``; the signing secret."""
    alert_settings = AlertSettings(destination=destination, webhook_url=url, **thresholds)
    return settings_changes.save(alert_settings, new_secret=True)


def control(sf: Any, path: str, body: dict[str, Any] | None = None) -> None:
    """A call to the emulator's control API over HTTP (faults, tokens, rules)."""
    response = requests.post(
        sf.emulator.urls["control"] + path,
        json=body or {},
        headers={TOKEN_HEADER: sf.emulator.control_token},
        timeout=5,
    )
    assert response.status_code in (200, 201, 204), response.text


def deliveries_with_failures(sf: Any, destination: Any, source: Any, good: int, bad: int) -> None:
    """``good`` Leads delivered and ``bad`` refused by a validation rule set through the control API."""
    control(
        sf,
        "/orgs/production/validation-rules",
        {
            "object": "Lead",
            "message": "Blocked.",
            "errorField": "Email",
            "condition": {"field": "Email", "op": "ends_with", "value": "@blocked.example"},
        },
    )
    action = make_action(destination, "lead", "create")
    events = [
        identify(
            f"u{n}", email=f"u{n}@{'blocked.example' if n >= good else 'x.io'}", last_name="L", company="C"
        )
        for n in range(good + bad)
    ]
    send(source, *events)
    deliver(action)


def failing_webhook_message(destination: Any) -> None:
    """An incident whose webhook message failed twice with a 500 and waits for its next try."""
    incident = Incident.objects.create(
        destination=destination,
        condition="failures",
        started_at=timezone.now() - timedelta(minutes=30),
        summary="3 of 21 deliveries failed in the last hour (threshold 10 % of at least 20).",
    )
    Notification.objects.create(
        incident=incident,
        event="started",
        channel="webhook",
        body="{}",
        attempts=2,
        attempt_log=[{"at": "t", "status": 500, "error": "Answered 500"}] * 2,
        next_attempt_at=timezone.now() + timedelta(minutes=2),
    )


class RefusingMailServer(BaseEmailBackend):
    """A mail backend whose server refuses every message, as a down SMTP relay does."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
