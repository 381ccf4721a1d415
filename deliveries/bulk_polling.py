"""Following a closed Bulk API 2.0 job to its end, and settling each of its deliveries.

A job is polled by scheduled follow-ups (1 s, 2 s, 5 s, ... then every
minute), never by a worker that sleeps. A poll is claimed with a conditional
UPDATE, so two workers never poll one job at once. When the job is
JobComplete, Failed or Aborted, the result files it has are read and each
row's result is matched back to the deliveries that row carried. A job that
has not finished by ``JOB_DEADLINE`` is aborted (when Salesforce still
allows it) and its deliveries are retried, so none waits forever. Every call
spent on a job, polls and downloads included, is shared by its deliveries.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from deliveries import bulk_results
from deliveries.execution import CallTrace, outcome_of_error
from deliveries.followups import follow_up
from deliveries.models import Attempt, BulkJob, BulkPhase, Status
from deliveries.outcomes import Outcome, Result, SharedCall
from deliveries.recording import record_outcomes
from destinations.salesforce.bulk import JobInfo, ResultKind
from destinations.salesforce.client import SalesforceClient
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.tokens import client_for

POLL_TASK = "deliveries.tasks.poll_bulk_job"
POLL_DELAYS = (1, 2, 5, 10, 30, 60)
# Salesforce gives each internal batch of 10,000 rows five minutes and a
# number of retries; a job still running after this long is given up on.
JOB_DEADLINE = timedelta(hours=1)
# A poll in progress holds the job this long; a crashed poller lets go then,
# and the sweep (every minute) polls again: within 45 + 60 s. A poll is a few
# calls; one that outlives its claim only repeats reads, since a job's
# deliveries are recorded once (``finish``).
POLL_CLAIM = timedelta(seconds=45)


def poll_delay(polls: int) -> timedelta:
    return timedelta(seconds=POLL_DELAYS[min(polls, len(POLL_DELAYS) - 1)])


def poll(job_pk: int, now: datetime | None = None) -> None:
    """Look at the job once: settle it if it has finished, else schedule the next look."""
    now = now or timezone.now()
    claimed = (
        BulkJob.objects.filter(pk=job_pk, phase=BulkPhase.PROCESSING)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .update(next_poll_at=now + POLL_CLAIM)
    )
    if not claimed:
        return
    job = BulkJob.objects.select_related("destination").get(pk=job_pk)
    trace = CallTrace()
    try:
        with client_for(job.destination, on_call=trace) as client:
            info = client.bulk.info(job.job_id)
            job.state = info.state
            if info.finished:
                files = _download(client, job, info)
            elif now - job.created_at > JOB_DEADLINE:
                _give_up(client, job, trace)
                return
            else:
                _poll_again(job, trace)
                return
    except SalesforceError as error:
        _after_failed_poll(job, trace, error)
        return
    note_calls(job, trace, ["state"])
    finish(job, files, _unprocessed_outcome(job, info), trace.last_usage)


def poll_due(action_id: str | None = None, now: datetime | None = None) -> int:
    """Queue a poll for every job whose next look is due (the sweep, and senders that pass by)."""
    jobs = BulkJob.objects.filter(phase=BulkPhase.PROCESSING, next_poll_at__lte=now or timezone.now())
    if action_id is not None:
        jobs = jobs.filter(action_id=action_id)
    due = list(jobs.values_list("pk", flat=True)[:100])
    if due:
        transaction.on_commit(lambda: [async_task(POLL_TASK, str(pk)) for pk in due], robust=True)
    return len(due)


def schedule_poll(job: BulkJob) -> None:
    follow_up(POLL_TASK, str(job.pk), job.next_poll_at or timezone.now())


def note_calls(job: BulkJob, trace: CallTrace, fields: list[str]) -> None:
    """Add the trace's calls to the job's count and summaries, and save them with ``fields``."""
    for call in trace.take():
        job.api_calls += 1 if call.counted else 0
        job.calls.append(
            {
                "method": call.method,
                "path": call.path,
                "status": call.status,
                "body": call.request_body,
                "answer": _summary(call.response_body),
            }
        )
    job.save(update_fields=[*fields, "api_calls", "calls", "updated_at"])


def finish(
    job: BulkJob,
    files: dict[str, list[dict[str, str]]],
    unprocessed: Outcome,
    api_usage: tuple[int, int] | None = None,
) -> None:
    """Each delivery of the job gets the outcome of its row's result (``unprocessed`` when it has none).

    ``api_usage`` is the org's (used, max) as the last call reported it.
    A job is finished once: of two that finish it (a worker taken for dead
    and the sweep that took over, or two pollers), the second records nothing.
    """
    with transaction.atomic():
        # Locked (PostgreSQL) or under the write lock (SQLite) until the outcomes are recorded.
        if BulkJob.objects.select_for_update().only("phase").get(pk=job.pk).phase == BulkPhase.FINISHED:
            return
        _record(job, files, unprocessed, api_usage)


def _record(
    job: BulkJob,
    files: dict[str, list[dict[str, str]]],
    unprocessed: Outcome,
    api_usage: tuple[int, int] | None,
) -> None:
    found = bulk_results.match(job.key_field, [row["cells"] for row in job.rows], files)
    carried = sum(len(row["deliveries"]) for row in job.rows)
    share = job.api_calls / carried if carried else 0.0
    # The job's calls that read the same for each of its deliveries, stored once for all.
    shared = [None if _own_part(call) else _shared_call(call) for call in job.calls]
    shared_at = [i for i, call in enumerate(shared) if call is not None]
    outcomes: dict[int, Outcome] = {}
    for position, row in enumerate(job.rows):
        result = found.get(position)
        settled = bulk_results.outcome(result, operation=job.operation, unprocessed=unprocessed)
        for delivery_id in row["deliveries"]:
            each = Outcome(**{**settled.__dict__, "fields": list(settled.fields)})
            each.requests, each.responses = _trace(job, row["cells"], result)
            each.shared = [call for call in shared if call is not None]
            each.shared_at = shared_at
            each.api_calls = share
            outcomes[delivery_id] = each
    # Only deliveries still waiting on this job: never overwrite a later attempt.
    waiting = list(job.deliveries.filter(status=Status.SENDING).order_by("id"))
    # The last attempt of each (the one this job is).
    attempts = {
        a.delivery_id: a for a in Attempt.objects.filter(delivery__in=waiting).order_by("delivery", "number")
    }
    waiting = [d for d in waiting if d.pk in attempts]
    duration_ms = int((timezone.now() - job.created_at).total_seconds() * 1000)
    record_outcomes(job.destination, waiting, [attempts[d.pk] for d in waiting], outcomes, duration_ms, None)
    job.phase, job.finished_at, job.lease_until = BulkPhase.FINISHED, timezone.now(), None
    job.save(update_fields=["phase", "finished_at", "state", "lease_until", "updated_at"])


def _download(client: SalesforceClient, job: BulkJob, info: JobInfo) -> dict[str, list[dict[str, str]]]:
    """The result files worth reading: a file Salesforce says is empty costs no call."""
    wanted: list[ResultKind] = []
    if info.records_processed > info.records_failed:
        wanted.append("successfulResults")
    if info.records_failed:
        wanted.append("failedResults")
    if info.state != "JobComplete" or info.records_processed < len(job.rows):
        wanted.append("unprocessedrecords")
    return {kind: client.bulk.results(job.job_id, kind) for kind in wanted}


def _poll_again(job: BulkJob, trace: CallTrace) -> None:
    job.polls += 1
    job.next_poll_at = timezone.now() + poll_delay(job.polls)
    note_calls(job, trace, ["state", "polls", "next_poll_at"])
    follow_up(POLL_TASK, str(job.pk), job.next_poll_at)


def abort_quietly(client: SalesforceClient, job_id: str) -> None:
    """Abort a job if Salesforce still allows it (an Open or UploadComplete job).

    Best effort: an InProgress job cannot be aborted, and an Open one that
    is left is purged by Salesforce; its deliveries are settled either way.
    """
    with contextlib.suppress(SalesforceError):
        client.bulk.abort(job_id)


def _give_up(client: SalesforceClient, job: BulkJob, trace: CallTrace) -> None:
    abort_quietly(client, job.job_id)
    note_calls(job, trace, ["state"])
    message = f"Bulk job {job.job_id} did not finish within {JOB_DEADLINE}; the record is sent again."
    finish(job, {}, Outcome(Result.RETRY, message=message), trace.last_usage)


def _after_failed_poll(job: BulkJob, trace: CallTrace, error: SalesforceError) -> None:
    past_deadline = timezone.now() - job.created_at > JOB_DEADLINE
    if error.kind is ErrorKind.PERMANENT or past_deadline:
        # The job or its results cannot be read (deleted, purged): send again.
        note_calls(job, trace, ["state"])
        retry = outcome_of_error(error)
        retry.result = Result.RETRY
        retry.message = f"The results of Bulk job {job.job_id} could not be read: {error.message}"
        finish(job, {}, retry, trace.last_usage)
        return
    _poll_again(job, trace)


def _unprocessed_outcome(job: BulkJob, info: JobInfo) -> Outcome:
    if info.state == "Failed" and info.error_message.startswith("InvalidBatch"):
        # The file itself is refused (a column Salesforce does not know): sending it again cannot help.
        return Outcome(
            Result.FAILED,
            400,
            error_code="INVALID_BATCH",
            message=f"Bulk job {job.job_id} failed: {info.error_message}",
        )
    reason = f": {info.error_message}" if info.error_message else ""
    return Outcome(
        Result.RETRY,
        error_code=f"BULK_JOB_{info.state.upper()}",
        message=f"Bulk job {job.job_id} ended {info.state} before this record was processed{reason}.",
    )


_RESULT_FILES = (bulk_results.SUCCESSES, bulk_results.FAILURES, bulk_results.UNPROCESSED)


def _own_part(call: dict[str, Any]) -> bool:
    """Whether each delivery sees its own part of the call: its row of the upload, its row of a result file."""
    return call["method"] == "PUT" or str(call["path"]).rstrip("/").endswith(_RESULT_FILES)


def _shared_call(call: dict[str, Any]) -> SharedCall:
    """A job call as ``_trace`` shows it to every delivery."""
    return SharedCall(
        {"method": call["method"], "path": str(call["path"]), "body": call["body"]},
        {"status": call["status"], "body": call["answer"]},
        call.get("duration_ms"),
    )


def _trace(
    job: BulkJob, cells: dict[str, str], result: bulk_results.Found | None
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """This delivery's view of the job's calls: its own row in the upload, its own result row."""
    requests: list[dict[str, object]] = []
    responses: list[dict[str, object]] = []
    for call in job.calls:
        path = str(call["path"])
        body = {"row": cells} if call["method"] == "PUT" else call["body"]
        answer = call["answer"]
        if result is not None and path.rstrip("/").endswith(result.kind):
            answer = bulk_results.result_body(result)
        requests.append({"method": call["method"], "path": path, "body": body})
        responses.append({"status": call["status"], "body": answer})
    return requests, responses


def _summary(body: object) -> object:
    if isinstance(body, dict) and "state" in body:
        keep = ("id", "state", "numberRecordsProcessed", "numberRecordsFailed", "errorMessage")
        return {key: body[key] for key in keep if key in body}
    if isinstance(body, str):
        return None  # a result file: each delivery shows its own row instead
    return body
