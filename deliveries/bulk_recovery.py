"""Taking over a Bulk job whose worker died before the job was closed.

A worker starting a job holds it with a short lease, renewed before each
step (create, upload, close). A step is one call, bounded by the client's
timeout, so a live worker always renews in time; once the lease has passed,
the worker is dead (killed, out of memory, its machine gone) and the sweep,
which runs every minute, takes the job over: a job that never got an id, or
is still open at Salesforce, is aborted and its deliveries are sent again;
one that Salesforce already has closed is handed to the polling follow-ups,
which read its results as for any other job, so no row is sent twice.

Every change of phase is a conditional update from the phase expected, so a
worker that was only slow finds the job taken and stops, and of the two
only one records the deliveries' outcomes (``bulk_polling.finish``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from deliveries import bulk_polling
from deliveries.execution import CallTrace
from deliveries.models import BulkJob, BulkPhase, Status
from deliveries.outcomes import Outcome, Result
from destinations.salesforce.errors import ErrorKind, SalesforceError
from destinations.salesforce.transport import DEFAULT_TIMEOUT
from destinations.tokens import client_for

# One call's timeout (30 s) with room to spare: a live worker always renews
# in time. With the sweep every minute, a job whose worker died is taken over
# within STEP_LEASE + 60 s = 105 s; a longer call timeout lengthens both.
STEP_LEASE = timedelta(seconds=DEFAULT_TIMEOUT + 15)
# An upload is one call too, but a large file takes time to send: its lease
# grows with the file at a pace any working connection beats.
UPLOAD_BYTES_PER_SECOND = 1_000_000
STARTING_PHASES = (BulkPhase.STARTING, BulkPhase.UPLOADING)
INTERRUPTED = "The send was interrupted before its Bulk job was closed."


def upload_lease(size: int) -> timedelta:
    return STEP_LEASE + timedelta(seconds=size / UPLOAD_BYTES_PER_SECOND)


def hold(job: BulkJob, lease: timedelta = STEP_LEASE) -> bool:
    """Renew the worker's lease before its next step; False when the sweep has taken the job over."""
    return bool(BulkJob.objects.filter(pk=job.pk, phase=job.phase).update(lease_until=timezone.now() + lease))


def advance(job: BulkJob, to: BulkPhase, **changes: object) -> bool:
    """Move the job on from the phase the worker left it in; False when it is no longer the worker's."""
    moved = BulkJob.objects.filter(pk=job.pk, phase=job.phase).update(phase=to, **changes)
    if moved:
        job.phase = to
        for name, value in changes.items():
            setattr(job, name, value)
    return bool(moved)


def recover_interrupted(now: datetime | None = None) -> int:
    """Take over every job whose worker's lease has passed; how many were taken."""
    now = now or timezone.now()
    stale = list(
        BulkJob.objects.filter(phase__in=STARTING_PHASES)
        .filter(
            Q(lease_until__lt=now)
            # Written before jobs had a lease.
            | Q(lease_until__isnull=True, updated_at__lt=now - STEP_LEASE)
        )
        .select_related("destination")[:100]
    )
    taken = 0
    for job in stale:
        # Claimed like a poll: two sweeps never take over one job together.
        if BulkJob.objects.filter(pk=job.pk, phase=job.phase, lease_until=job.lease_until).update(
            lease_until=now + STEP_LEASE
        ):
            _take_over(job, now)
            taken += 1
    return taken


def _send_again(job: BulkJob, api_usage: tuple[int, int] | None = None) -> None:
    bulk_polling.finish(job, {}, Outcome(Result.RETRY, message=INTERRUPTED), api_usage)
    # A dead worker is no failure of Salesforce's: no backoff, as for an interrupted REST send.
    job.deliveries.filter(status=Status.RETRYING).update(due_at=timezone.now())


def _take_over(job: BulkJob, now: datetime) -> None:
    if not job.job_id:
        # Killed at create: nothing was uploaded, so nothing can have been written.
        _send_again(job)
        return
    trace = CallTrace()
    try:
        with client_for(job.destination, on_call=trace) as client:
            info = client.bulk.info(job.job_id)
            if info.state == "Open":
                # Abort fails when the job was closed meanwhile; what it is then is read again.
                try:
                    info = client.bulk.abort(job.job_id)
                except SalesforceError:
                    info = client.bulk.info(job.job_id)
    except SalesforceError as error:
        bulk_polling.note_calls(job, trace, [])
        if error.kind is ErrorKind.PERMANENT or now - job.created_at > bulk_polling.JOB_DEADLINE:
            # The job is gone (or has been unreachable for an hour): its rows are sent again.
            _send_again(job, trace.last_usage)
        # Otherwise Salesforce cannot be asked now: the next sweep asks again.
        return
    job.state = info.state
    bulk_polling.note_calls(job, trace, ["state"])
    if info.state in ("Open", "Aborted"):
        _send_again(job, trace.last_usage)
        return
    # Closed before the worker died: Salesforce processes (or has processed) its rows; read them back.
    if advance(job, BulkPhase.PROCESSING, next_poll_at=now, lease_until=None):
        bulk_polling.schedule_poll(job)
