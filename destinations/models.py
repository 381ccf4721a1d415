"""A destination is one Salesforce org, connected through OAuth."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from destinations import crypto
from sources.models import Source
from workspaces.models import Workspace


class ConnectionState(models.TextChoices):
    NOT_CONNECTED = "not_connected", "Not connected"
    CONNECTED = "connected", "Connected"
    # The refresh token was refused: deliveries are held, not failed, until
    # someone reconnects.
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnect"


DEFAULT_CONCURRENT_CALLS = 8
# Salesforce's limit on an org's concurrent long-running requests.
MAX_CONCURRENT_CALLS = 25


class Destination(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="destinations")
    name = models.CharField(max_length=100)
    # A new destination receives nothing until the user enables it.
    enabled = models.BooleanField(default=False)
    sources = models.ManyToManyField(Source, blank=True, related_name="destinations")
    is_sandbox = models.BooleanField(default=False)
    # The org's own My Domain login URL; when set it wins over the
    # production or sandbox login host.
    login_url = models.URLField(blank=True, default="")

    state = models.CharField(
        max_length=20, choices=ConnectionState.choices, default=ConnectionState.NOT_CONNECTED
    )
    state_reason = models.TextField(blank=True, default="")
    instance_url = models.URLField(blank=True, default="")
    org_id = models.CharField(max_length=18, blank=True, default="")
    sf_user_id = models.CharField(max_length=18, blank=True, default="")
    sf_username = models.CharField(max_length=255, blank=True, default="")
    connected_at = models.DateTimeField(null=True, blank=True)
    # Encrypted with destinations.crypto; never shown, logged or exported.
    access_token_encrypted = models.TextField(blank=True, default="")
    refresh_token_encrypted = models.TextField(blank=True, default="")
    # Bumped on every token change, so that concurrent refreshes can tell
    # whether someone else has refreshed already.
    token_version = models.PositiveIntegerField(default=0)

    # Salesforce calls a chunk may have in flight at once. An org answers at
    # most 25 long-running requests at once, shared by every client of it.
    concurrent_calls = models.PositiveSmallIntegerField(
        default=DEFAULT_CONCURRENT_CALLS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONCURRENT_CALLS)],
    )

    # Salesforce said the org's API quota is spent: nothing is sent before this.
    paused_until = models.DateTimeField(null=True, blank=True)
    api_requests_used = models.PositiveIntegerField(null=True, blank=True)
    api_requests_max = models.PositiveIntegerField(null=True, blank=True)
    api_usage_at = models.DateTimeField(null=True, blank=True)
    # The share of the org's daily API limit this destination may spend in
    # any 24 hours (other integrations use the rest)...
    api_budget_percent = models.PositiveSmallIntegerField(default=50)
    # ...unless a fixed number of calls per 24 hours is set, which wins.
    api_budget_calls = models.PositiveIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_destination_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_connected(self) -> bool:
        return self.state == ConnectionState.CONNECTED

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted) if self.access_token_encrypted else ""

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    def store_tokens(self, access_token: str, refresh_token: str | None = None) -> None:
        """Keep new tokens (encrypted); a refresh without rotation keeps the refresh token."""
        self.access_token_encrypted = crypto.encrypt(access_token)
        if refresh_token:
            self.refresh_token_encrypted = crypto.encrypt(refresh_token)
        self.token_version += 1

    def forget_tokens(self) -> None:
        self.access_token_encrypted = ""
        self.refresh_token_encrypted = ""
        self.token_version += 1

    def is_paused(self) -> bool:
        return self.paused_until is not None and self.paused_until > timezone.now()


class DescribeCache(models.Model):
    """One cached describe answer of a destination's org (see ``destinations.salesforce.describe``).

    ``sobject`` is "" for the org's object list, else the object's name in
    lower case. A row with ``claimed_until`` in the future is being fetched.
    """

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="describe_cache")
    sobject = models.CharField(max_length=100, blank=True, default="")
    body: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["destination", "sobject"], name="one_describe_per_object")
        ]

    def __str__(self) -> str:
        return f"describe {self.sobject or '(objects)'} of {self.destination_id}"


class ApiCallHour(models.Model):
    """The API calls a destination's sender spent in one hour (counted per chunk, not per call).

    The rolling 24-hour count the budget compares is the sum of the rows whose
    hour ended less than 24 hours ago; older rows are of no further use.
    """

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="api_call_hours")
    hour = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["destination", "hour"], name="one_call_count_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.calls} calls of {self.destination_id} at {self.hour:%Y-%m-%d %H:00}"
