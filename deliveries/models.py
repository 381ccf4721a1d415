"""Data Out: a delivery per (event, action) and an attempt per try."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from actions.models import Action
from destinations.models import Destination
from sources.models import Event


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Retrying"
    # Several Salesforce records matched: nothing written, never retried (status 300).
    MULTIPLE_MATCHES = "multiple_matches", "Multiple matches"
    # The destination needs reconnecting: kept, not failed, until it is.
    HELD = "held", "Held"


# Statuses a sender picks up when they are due.
DUE_STATUSES = (Status.PENDING, Status.RETRYING)
FINAL_STATUSES = (Status.DELIVERED, Status.FAILED, Status.MULTIPLE_MATCHES)


class BulkPhase(models.TextChoices):
    # The row is written and its deliveries are sending; no job exists at Salesforce yet.
    STARTING = "starting", "Starting"
    # The job exists (its id is recorded); the file is not yet uploaded and closed.
    UPLOADING = "uploading", "Uploading"
    # Closed: Salesforce processes it; scheduled follow-ups poll it.
    PROCESSING = "processing", "Processing"
    # Every delivery of the job has its own outcome.
    FINISHED = "finished", "Finished"


class BulkJob(models.Model):
    """One Bulk API 2.0 ingest job and what is needed to match its results back.

    Written before the job is created at Salesforce and given the job's id
    before the file is uploaded, so that a crash at any step leaves a row
    that the sweep can finish (abort the job, retry its deliveries).
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="bulk_jobs")
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="bulk_jobs")
    job_id = models.CharField(max_length=18, blank=True, default="", db_index=True)
    operation = models.CharField(max_length=10)
    sobject = models.CharField(max_length=100)
    # The column results are matched on: the external id field, or Id.
    key_field = models.CharField(max_length=100)
    phase = models.CharField(max_length=20, choices=BulkPhase.choices, default=BulkPhase.STARTING)
    state = models.CharField(max_length=20, blank=True, default="")  # as Salesforce last reported it
    error_message = models.TextField(blank=True, default="")
    # One entry per uploaded row: {"cells": {column: text as written}, "deliveries": [ids]}.
    rows: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)
    # Calls counted against the org's quota for this job so far.
    api_calls = models.PositiveIntegerField(default=0)
    # Each call's summary, for the attempts of the job's deliveries.
    calls: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list)
    polls = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    # While starting or uploading: the worker renews this before each step;
    # once it has passed, the worker is taken for dead and the sweep takes over.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phase", "next_poll_at"], name="bulk_jobs_to_poll")]

    def __str__(self) -> str:
        return f"bulk job {self.job_id or self.pk} ({self.phase})"


class Delivery(models.Model):
    # No index of their own: every query by action or by destination is served
    # by the composite indexes below that start with it, and each index costs
    # every insert and every update that moves a row.
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    destination = models.ForeignKey(
        Destination, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    operation = models.CharField(max_length=10, blank=True, default="")
    sobject = models.CharField(max_length=100, blank=True, default="")
    record_id = models.CharField(max_length=18, blank=True, default="")
    created_record = models.BooleanField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    error_fields: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    # Refused by our own checks (a required field missing, no matcher value,
    # a value of the wrong type) before anything was sent: no Salesforce status.
    refused_before_sending = models.BooleanField(default=False)
    # Multiple matches: the ids of the records that matched (the first 50).
    matched_record_ids: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    # This delivery's share of the Salesforce API calls spent on it
    # (a call that carried 200 records costs each of them 1/200).
    api_calls = models.FloatField(default=0)
    bulk_job_id = models.CharField(max_length=18, blank=True, default="")
    # The Bulk job this delivery was last sent in (``bulk_job_id`` is its Salesforce id).
    bulk_send = models.ForeignKey(
        BulkJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    # Sent on purpose from the action editor ("Send test event"), not routed.
    is_test = models.BooleanField(default=False)
    # Made by a replay of stored events (a backfill or a re-sync), not routed at intake.
    replay = models.ForeignKey(
        "replays.Replay", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    # The lane of its action it is sent in (``deliveries.lanes``): deliveries
    # about one record share a lane, and each lane has a sender of its own.
    lane = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["action", "status", "due_at"], name="due_deliveries_of_action"),
            models.Index(fields=["destination", "-created_at"], name="data_out_of_destination"),
            models.Index(fields=["status", "due_at"], name="due_deliveries"),
            # Data Out filtered by status, and a Bulk job's rows listed together.
            models.Index(fields=["destination", "status", "-created_at"], name="data_out_by_status"),
            models.Index(fields=["destination", "bulk_job_id"], name="data_out_of_bulk_job"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"

    @property
    def is_replay(self) -> bool:
        return self.replay_id is not None


class SalesforceCall(models.Model):
    """One call a chunk made for many deliveries at once (a shared lookup), stored once.

    Each attempt it served lists it in ``Attempt.shared_calls`` and keeps only
    its own part of the other calls, so a chunk's lookups are not copied into
    every one of its rows. Redacted as attempts are: no credentials.
    """

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="+")
    # {"method", "path", "soql"?, "body"?}, as an attempt's request entry.
    request: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    # {"status", "body"}, as an attempt's response entry.
    response: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"call {self.pk} ({self.request.get('method', '')} {self.request.get('path', '')})"


class SenderLease(models.Model):
    """The lease of one lane of an action: at most one sender works on it at a time."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sender_leases")
    lane = models.PositiveSmallIntegerField()
    until = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=32, blank=True, default="")
    # A sender task for this lane is queued and has not started yet.
    wake_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "lane"], name="one_lease_per_lane")]

    def __str__(self) -> str:
        return f"lease of lane {self.lane} of action {self.action_id}"


class Attempt(models.Model):
    """One try of one delivery: what was sent and what came back (no tokens).

    ``requests`` and ``responses`` read as one list each: the calls shared
    with the chunk's other deliveries (``shared_calls``) and the attempt's
    own part, in the order they were made. Attempts written before calls
    were shared hold everything in their own part and list no shared calls.
    """

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # [{"method", "path", "body"}] — this delivery's own part of the calls made for it.
    own_requests: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        default=list, db_column="requests"
    )
    # [{"status", "body"}] in the same order.
    own_responses: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        default=list, db_column="responses"
    )
    # Ids of the SalesforceCall rows made for this delivery and others, in the
    # order they were made; a null stands for the attempt's next own call
    # (a Bulk job's upload and result rows sit between its shared calls).
    # Own calls past the last entry come after all of them.
    shared_calls: models.JSONField[list[int | None]] = models.JSONField(default=list, blank=True)
    api_calls = models.FloatField(default=0)
    outcome = models.CharField(max_length=20, blank=True, default="")
    # The shared calls once read (not a field).
    _shared_cache: list[SalesforceCall] | None

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number")]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self._in_order(self.own_requests, lambda call: call.request)

    @requests.setter
    def requests(self, value: list[dict[str, Any]]) -> None:
        # Given whole: the shared answers become the attempt's own, so both lists still pair up.
        self.own_responses = self.responses
        self.own_requests = value
        self._drop_shared()

    @property
    def responses(self) -> list[dict[str, Any]]:
        return self._in_order(self.own_responses, lambda call: call.response)

    @responses.setter
    def responses(self, value: list[dict[str, Any]]) -> None:
        self.own_requests = self.requests
        self.own_responses = value
        self._drop_shared()

    def shared(self) -> list[SalesforceCall]:
        """The shared calls, in order (read once; ``attach_shared_calls`` reads many attempts' at once)."""
        cached = getattr(self, "_shared_cache", None)
        if cached is None:
            ids = [pk for pk in self.shared_calls if pk is not None]
            found = SalesforceCall.objects.in_bulk(ids) if ids else {}
            cached = [found[pk] for pk in ids if pk in found]
            self._shared_cache = cached
        return cached

    def _in_order(
        self, own: list[dict[str, Any]], part: Callable[[SalesforceCall], dict[str, Any]]
    ) -> list[dict[str, Any]]:
        by_pk = {call.pk: call for call in self.shared()}
        mine = iter(own)
        ordered: list[dict[str, Any]] = []
        for entry in self.shared_calls:
            if entry is None:
                ordered.extend(next_own for next_own in [next(mine, None)] if next_own is not None)
            elif entry in by_pk:
                ordered.append(part(by_pk[entry]))
        ordered.extend(mine)
        return ordered

    def _drop_shared(self) -> None:
        self.shared_calls = []
        self._shared_cache = []
