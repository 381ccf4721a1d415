"""A replay: stored events re-sent through one action (a backfill or a re-sync)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from actions.models import Action
from sources.models import Source


class ReplayState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# States in which a replay still creates deliveries: one at a time per action.
ACTIVE_STATES = (ReplayState.QUEUED, ReplayState.RUNNING)


class Replay(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="replays")
    # Only this source's events; none: every source the destination takes.
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start = models.DateTimeField()  # inclusive, on the event's received_at
    end = models.DateTimeField()  # exclusive
    # Send again events the action has already sent since its last change.
    force = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=ReplayState.choices, default=ReplayState.QUEUED)
    error = models.TextField(blank=True, default="")
    # Progress: events in the range, looked at, taken by the trigger, deliveries made.
    total = models.PositiveIntegerField(default=0)
    looked_at = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    # The last event id handled: a replay interrupted mid-way resumes after it.
    cursor = models.BigIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every page committed: an active replay that stops moving was interrupted.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"replay {self.pk} of {self.action_id} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == ReplayState.DONE:
            return 100
        return min(100, self.looked_at * 100 // self.total) if self.total else 0
