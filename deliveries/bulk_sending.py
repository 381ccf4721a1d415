"""Sending a Bulk action's due deliveries as Bulk API 2.0 jobs.

A batch goes when the action's batch size is due, or when the oldest due
delivery has waited ``DELIVERY_BULK_MAX_WAIT_SECONDS``; until then a
follow-up is scheduled for that moment. Deliveries that target the same
record are merged in order into one row (the later event's values win), so
a record appears once per job. A delivery without its record's key is still
sent, in a row of its own, and Salesforce rejects it alone.

Each job is recorded before it is created at Salesforce and given its id
before its file is uploaded; it is then closed and left to the polling
follow-ups (``bulk_polling``). Its deliveries stay *sending*, a status no
sender picks up, until their own results are read back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import timezone

from actions.models import Action
from deliveries import bulk_polling, bulk_recovery
from deliveries.execution import CallTrace, outcome_of_error
from deliveries.followups import follow_up
from deliveries.models import DUE_STATUSES, BulkJob, BulkPhase, Delivery
from deliveries.outcomes import Outcome, refused
from deliveries.planner import Item, plan_direct
from deliveries.preparing import Prepared, action_spec, prepare
from deliveries.recording import record_outcomes, start_attempts
from deliveries.rendering import ActionSpec, Describe, planner_spec
from deliveries.saving import ids_in
from destinations.models import Destination
from destinations.salesforce import bulk_csv
from destinations.salesforce.errors import SalesforceError
from destinations.tokens import client_for

SEND_TASK = "deliveries.tasks.send_action"


class Flush(StrEnum):
    SENT = "sent"
    # Due deliveries wait for their batch to fill or their time to come.
    WAITING = "waiting"
    NOTHING_DUE = "nothing_due"


def uses_bulk(action: Action) -> bool:
    return action.use_bulk and action.operation in ("update", "upsert")


def flush(action: Action, destination: Destination) -> Flush:
    """Send one batch of the action's due deliveries if it is ripe; else schedule a look when it is."""
    now = timezone.now()
    due = list(
        Delivery.objects.filter(action=action, status__in=DUE_STATUSES, due_at__lte=now)
        .select_related("event")
        .order_by("id")[: action.batch_size]
    )
    if not due:
        return Flush.NOTHING_DUE
    ripe_at = min(d.due_at for d in due) + timedelta(seconds=settings.DELIVERY_BULK_MAX_WAIT_SECONDS)
    if len(due) < action.batch_size and ripe_at > now:
        follow_up(SEND_TASK, str(action.pk), ripe_at)
        return Flush.WAITING
    send_batch(action, destination, due)
    return Flush.SENT


def send_batch(action: Action, destination: Destination, due: list[Delivery]) -> None:
    attempts = dict(zip((d.pk for d in due), start_attempts(action, due), strict=True))
    spec = bulk_spec(action)
    prepared = prepare(spec, destination, due) if spec is not None else _unconfigured(due)
    if not isinstance(prepared, Prepared):
        record_outcomes(destination, due, list(attempts.values()), prepared, 0, None)
        return
    if prepared.outcomes:
        failed = [d for d in due if d.pk in prepared.outcomes]
        record_outcomes(destination, failed, [attempts[d.pk] for d in failed], prepared.outcomes, 0, None)
    assert spec is not None
    key_field, records, owners = rows_to_send(spec, prepared.info, prepared.items)
    uploads = bulk_csv.split(
        records,
        clear_on_null=spec.clear_fields_on_null,
        max_bytes=settings.DELIVERY_BULK_UPLOAD_MAX_BYTES,
    )
    for upload in uploads:
        rows = [
            {
                "cells": {
                    name: bulk_csv.written(value, clear_on_null=spec.clear_fields_on_null)
                    for name, value in records[p].items()
                },
                "deliveries": owners[p],
            }
            for p in upload.positions
        ]
        job = BulkJob.objects.create(
            action=action,
            destination=destination,
            operation=spec.operation,
            sobject=spec.sobject,
            key_field=key_field,
            rows=rows,
            lease_until=timezone.now() + bulk_recovery.STEP_LEASE,
        )
        Delivery.objects.filter(pk__in=ids_in(d for p in upload.positions for d in owners[p])).update(
            bulk_send=job, bulk_job_id=""
        )
        _start_job(job, upload.data)


def bulk_spec(action: Action) -> ActionSpec | None:
    """The action rendered with its Bulk key (external id, or record Id) as its only matcher."""
    if action.operation == "upsert":
        external = action.bulk_upsert_external_id or {}
        if not external.get("field") or "mapping" not in external:
            return None
        key: tuple[str, Any] = (str(external["field"]), external["mapping"])
    else:
        if action.bulk_update_record_id is None:
            return None
        key = ("Id", action.bulk_update_record_id)
    return replace(action_spec(action), matchers=(key,), operator="OR", bulk=True)


def rows_to_send(
    spec: ActionSpec, info: Describe, items: list[Item]
) -> tuple[str, list[dict[str, Any]], list[list[int]]]:
    """The key column, one record per target (merged in order), and the deliveries of each."""
    matcher = planner_spec(spec, info).matchers[0]
    # Bulk matches on the key itself, as an upsert by external id does.
    planned = replace(planner_spec(spec, info), matchers=(replace(matcher, external_id=True),))
    key_field = matcher.field
    keyed = [item for item in items if item.matchers.get(key_field) is not None]
    writes = plan_direct(planned, keyed)
    records: list[dict[str, Any]] = []
    owners: list[list[int]] = []
    for target in writes.updates:
        records.append({"Id": target.record_id, **target.fields})
        owners.append(target.delivery_ids)
    for target in writes.upserts:
        records.append({key_field: target.external_id, **target.fields})
        owners.append(target.delivery_ids)
    for item in items:
        if item.matchers.get(key_field) is None:
            # Sent as it is: Salesforce rejects this row alone.
            records.append({key_field: "", **item.fields})
            owners.append([item.delivery_id])
    return key_field, records, owners


def _start_job(job: BulkJob, data: str) -> None:
    """Create, upload and close; on a failure, abort what exists and settle the job's deliveries.

    The job's lease is renewed before each step; a step that finds the job
    taken over (the lease had passed) stops here and leaves it to the sweep.
    """
    trace = CallTrace()
    destination = job.destination
    try:
        with client_for(destination, on_call=trace) as client:
            created = client.bulk.create(
                job.sobject,
                job.operation,
                external_id_field=job.key_field if job.operation == "upsert" else None,
            )
            # The id is on the job and its deliveries before anything is
            # uploaded: a crash from here on leaves a job the sweep can find and abort.
            if not bulk_recovery.advance(
                job,
                BulkPhase.UPLOADING,
                job_id=created.id,
                state=created.state,
                lease_until=timezone.now() + bulk_recovery.upload_lease(len(data)),
            ):
                bulk_polling.abort_quietly(client, created.id)
                return
            bulk_polling.note_calls(job, trace, [])
            job.deliveries.update(bulk_job_id=created.id)
            try:
                client.bulk.upload(job.job_id, data)
                if not bulk_recovery.hold(job):
                    return
                closed = client.bulk.close(job.job_id)
            except SalesforceError:
                bulk_polling.abort_quietly(client, job.job_id)
                raise
    except SalesforceError as error:
        bulk_polling.note_calls(job, trace, [])
        bulk_polling.finish(job, {}, outcome_of_error(error), trace.last_usage)
        return
    next_poll_at = timezone.now() + bulk_polling.poll_delay(0)
    if not bulk_recovery.advance(
        job, BulkPhase.PROCESSING, state=closed.state, next_poll_at=next_poll_at, lease_until=None
    ):
        return
    bulk_polling.note_calls(job, trace, [])
    bulk_polling.schedule_poll(job)


def _unconfigured(due: list[Delivery]) -> dict[int, Outcome]:
    message = "The action uses the Bulk API but has no Bulk Upsert External Id / Bulk Update Record Id."
    return {d.pk: refused("BULK_KEY_MISSING", message) for d in due}
