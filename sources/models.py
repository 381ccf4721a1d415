from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models

from sources.keys import generate_write_key, hash_write_key, key_hint
from sources.stored_json import TolerantDecoder
from workspaces.models import Workspace


class Source(models.Model):
    """Where events come from: a client library or script holding a write key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(max_length=100)
    # Only a hash of the key is kept; the key itself is shown once.
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(max_length=8)
    key_rotated_at = models.DateTimeField(auto_now_add=True)
    # The key before the last rotation, kept working until the grace period
    # ends so senders can be moved over without losing events; hashed too.
    previous_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    previous_key_hint = models.CharField(max_length=8, blank=True, default="")
    previous_key_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_source_name")]

    def __str__(self) -> str:
        return self.name

    def issue_key(self) -> str:
        """Give the source a new write key (the old one stops working) and return it."""
        key = generate_write_key()
        self.key_hash = hash_write_key(key)
        self.key_hint = key_hint(key)
        return key

    def previous_key_works_until(self, now: datetime) -> datetime | None:
        """When the key before the last rotation stops working, if it still works at ``now``."""
        expires = self.previous_key_expires_at
        if self.previous_key_hash and expires is not None and expires > now:
            return expires
        return None


class Event(models.Model):
    """One message as received, stored once per (source, messageId)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")
    message_id = models.CharField(max_length=255)
    type = models.CharField(max_length=10)
    name = models.CharField(max_length=255, blank=True, default="")
    user_id = models.CharField(max_length=255, blank=True, default="")
    anonymous_id = models.CharField(max_length=255, blank=True, default="")
    group_id = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=254, blank=True, default="")
    timestamp = models.DateTimeField()
    received_at = models.DateTimeField()
    payload = models.JSONField(decoder=TolerantDecoder)

    class Meta:
        constraints = [
            # A client retrying a batch sends the same messageIds again.
            models.UniqueConstraint(fields=["source", "message_id"], name="one_event_per_message_id"),
        ]
        indexes = [models.Index(fields=["source", "-received_at", "-id"], name="latest_events_of_source")]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"


class SeenMessageId(models.Model):
    """A messageId a source sent, kept after its event is pruned, so that a late repeat stays a duplicate.

    Kept for ``DEDUP_DAYS`` (longer than the events themselves), then pruned
    on its own; only the id is kept, not the message.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="seen_message_ids")
    message_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "message_id"], name="one_seen_row_per_message_id"),
        ]

    def __str__(self) -> str:
        return self.message_id


class IntakeTotals(models.Model):
    """Messages a source sent since it was created, by outcome: monotonic, for metrics.

    Counted in the database, not in the web process, so that every process
    serving intake adds to the same figures. A source's totals are spread
    over a few rows (``shard``), each request adding to one at random, so
    that concurrent requests of one source do not queue on one row lock.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="totals")
    shard = models.PositiveSmallIntegerField()
    accepted = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "shard"], name="one_intake_total_per_shard")]

    def __str__(self) -> str:
        return f"intake totals of {self.source_id} ({self.shard})"


class RejectionCount(models.Model):
    """Rejected messages of a source in one hour, by kind of reason.

    At most one row per (source, hour, reason kind), and there are few
    kinds, so a flood of bad messages adds to counts instead of rows.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="rejection_counts")
    hour = models.DateTimeField()
    reason = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "hour", "reason"], name="one_rejection_count_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.count} x {self.reason}"


class RejectedMessage(models.Model):
    """One recent rejected message, as an example: never the write key, never the payload.

    Only the latest ``sources.rejections.EXAMPLES_KEPT`` of a source are kept.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="rejected_messages")
    received_at = models.DateTimeField()
    message_id = models.CharField(max_length=255, blank=True, default="")
    type = models.CharField(max_length=20, blank=True, default="")
    reason = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["source", "-received_at", "-id"], name="latest_rejections_of_source")]

    def __str__(self) -> str:
        return f"rejected {self.message_id or '(no id)'}: {self.reason}"
