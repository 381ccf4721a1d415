"""Heartbeats: the last time each kind of background process said it was alive."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """One row per kind of process (``worker``, ``followups``); every process of a kind writes it."""

    name = models.CharField(max_length=30, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ChunkTiming(models.Model):
    """How many chunks an action's sender sent, and their total duration."""

    action = models.OneToOneField(
        "actions.Action", on_delete=models.CASCADE, primary_key=True, related_name="chunk_timing"
    )
    count = models.PositiveBigIntegerField(default=0)
    sum_seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.count} chunks of action {self.action_id}"


class ChunkBucket(models.Model):
    """Chunks of an action that took at most ``le`` seconds (a cumulative histogram bucket)."""

    action = models.ForeignKey("actions.Action", on_delete=models.CASCADE, related_name="chunk_buckets")
    le = models.FloatField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "le"], name="one_chunk_bucket_per_bound")]

    def __str__(self) -> str:
        return f"{self.count} chunks <= {self.le}s"
