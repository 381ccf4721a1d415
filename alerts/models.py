"""Alerts: who is told about a destination's trouble, its incidents, and each message sent."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from destinations import crypto
from destinations.models import Destination


class AlertSettings(models.Model):
    """Per destination: the channels and the thresholds. No row: defaults, nobody told."""

    destination = models.OneToOneField(Destination, on_delete=models.CASCADE, related_name="alert_settings")
    email_members = models.BooleanField(default=False)
    webhook_url = models.URLField(max_length=500, blank=True, default="")
    # HMAC-SHA256 key of the webhook's signature; encrypted like tokens, shown once.
    webhook_secret_encrypted = models.TextField(blank=True, default="")
    # Failures in the last hour: at least this share of at least this many finished deliveries.
    failure_percent = models.PositiveSmallIntegerField(default=10)
    failure_minimum = models.PositiveIntegerField(default=20)
    # The oldest due delivery has waited longer than this.
    lag_minutes = models.PositiveIntegerField(default=15)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alert settings of {self.destination_id}"

    @property
    def webhook_secret(self) -> str:
        return crypto.decrypt(self.webhook_secret_encrypted) if self.webhook_secret_encrypted else ""

    def store_webhook_secret(self, secret: str) -> None:
        self.webhook_secret_encrypted = crypto.encrypt(secret)


class Condition(models.TextChoices):
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
    FAILURES = "failures", "Deliveries failing"
    LAG = "lag", "Deliveries waiting"
    API_BUDGET = "api_budget", "API budget spent"


class Incident(models.Model):
    """One spell of one condition: a message when it starts and one when it ends."""

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="incidents")
    condition = models.CharField(max_length=30, choices=Condition.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # When the condition last stopped firing; it ends once that has lasted the quiet period.
    clear_since = models.DateTimeField(null=True, blank=True)
    # What was seen when it started ("3 of 25 deliveries failed in the last hour").
    summary = models.TextField(blank=True, default="")
    # What happened while it lasted, counted when it ends: {"failed": 12, "delivered": 40, ...}.
    digest: models.JSONField[dict[str, int]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["destination", "condition"],
                condition=Q(ended_at__isnull=True),
                name="one_open_incident_per_condition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.condition} of {self.destination_id} from {self.started_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    WEBHOOK = "webhook", "Webhook"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """One message about an incident (its start or its end) on one channel, retried until sent."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=10)  # "started" or "ended"
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The exact body sent (and signed) on every try, so a retry is the same message.
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # [{"at", "status", "error"}] for each try, newest last.
    attempt_log: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notifications_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.event} of incident {self.incident_id} ({self.state})"
