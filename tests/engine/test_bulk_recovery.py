"""A worker killed at each step of a Bulk job: the job is taken over within 2 minutes, every row sent once.

The worker is a real process (the sender or the poller, as a queue task
runs it) against this test's database and the emulator over loopback. A
latency fault injected through the emulator's control API holds it inside
the step's call; it is killed there with SIGKILL, so nothing of its own
clean-up runs. The recovery bound is read from the lease and claim times
it left, not from the clock: the sweep runs every minute, so a job is taken
over at the latest one sweep after its lease ends.
"""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from actions.models import Action
from deliveries import bulk_polling, bulk_recovery, sender
from deliveries.models import Attempt, BulkJob, BulkPhase, Delivery, Status
from tests.engine.bulk_helpers import bulk_upsert, poll_finished_jobs, wait_for_salesforce
from tests.engine.conftest import identify, lane_lease, send

ROOT = Path(__file__).resolve().parents[2]
RECOVERY_BOUND = timedelta(minutes=2)
KEYS = ("k1", "k2", "k3")
# (method, path pattern) of each step's call.
STEPS = {
    "create": ("POST", r"/jobs/ingest/?$"),
    "upload": ("PUT", r"/jobs/ingest/[^/]+/batches"),
    "close": ("PATCH", r"/jobs/ingest/[^/]+/?$"),
    "poll": ("GET", r"/jobs/ingest/[^/]+/?$"),
}

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(task: str, subject: str) -> subprocess.Popen:
    """A worker process running one queue task (``send_action`` or ``poll_bulk_job``)."""
    env = dict(os.environ)
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "SALESFORCE_CLIENT_ID": settings.SALESFORCE_CLIENT_ID,
        "SALESFORCE_CLIENT_SECRET": settings.SALESFORCE_CLIENT_SECRET,
        "SALESFORCE_LOGIN_URL": settings.SALESFORCE_LOGIN_URL,
        "SALESFORCE_SANDBOX_LOGIN_URL": settings.SALESFORCE_SANDBOX_LOGIN_URL,
        "SALESFORCE_EXTRA_INSTANCE_HOSTS": ",".join(settings.SALESFORCE_EXTRA_INSTANCE_HOSTS),
    }
    code = f"import django; django.setup(); from deliveries import tasks; tasks.{task}({subject!r})"
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)


def _held_inside(sf, step: str, task: str, subject: str, seconds: float = 1) -> subprocess.Popen:
    """Run the task in a worker and return once it is inside the step's call (held there ``seconds``)."""
    method, path = STEPS[step]
    fault = sf.control(
        "POST",
        "/faults",
        json={"kind": "latency", "seconds": seconds, "method": method, "path": path, "count": 1},
    )
    worker = _worker(task, subject)
    deadline = time.monotonic() + 60
    while not _hits(sf, fault["id"]):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise AssertionError("the worker never reached the step")
        time.sleep(0.02)
    return worker


def _kill_inside(sf, step: str, task: str, subject: str) -> None:
    """Run the task in a worker, hold it inside the step's call, and kill it there."""
    worker = _held_inside(sf, step, task, subject)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    # The call the worker was killed in still runs at Salesforce, as it would.
    _wait_for_call(sf, *STEPS[step])


def _hits(sf, fault_id: int) -> int:
    faults = sf.control("GET", "/faults")
    return next(f["hits"] for f in faults if f["id"] == fault_id)


def _wait_for_call(sf, method: str, path: str) -> None:
    for _ in range(500):
        logged = sf.control("GET", "/requests")
        if any(r["method"] == method and re.search(path, r["path"]) for r in logged):
            return
        time.sleep(0.02)
    raise AssertionError(f"{method} {path} never reached the emulator")


def _sweep_interval() -> timedelta:
    # As installed (a transactional test starts from empty tables).
    installed = importlib.import_module("deliveries.migrations.0003_schedules").SCHEDULES
    [sweep] = [spec for spec in installed if spec["func"] == "deliveries.tasks.sweep"]
    assert sweep["schedule_type"] == Schedule.MINUTES
    return timedelta(minutes=sweep["minutes"])


def _the_dead_senders_lease_runs_out(action: Action) -> None:
    # The action's own sender lease belongs to the REST sender's recovery;
    # here only the Bulk job's is under test.
    lane_lease(action.pk).update(until=None, token="")


def _assert_every_row_sent_once(sf, action: Action) -> None:
    deliveries = list(Delivery.objects.filter(action=action))
    assert {d.status for d in deliveries} == {Status.DELIVERED}
    assert sorted(c["External_Id__c"] for c in sf.records("Contact")) == sorted(KEYS)
    # Rows Salesforce processed, over every job of the run: each once.
    processed = sum(len(job.successes) + len(job.failures) for job in sf.org.bulk.all())
    assert processed == len(KEYS)
    for delivery in deliveries:
        assert Attempt.objects.filter(delivery=delivery, outcome=Status.DELIVERED).count() == 1


@pytest.fixture
def action(sf, destination, source):
    action = bulk_upsert(destination, batch_size=len(KEYS))
    send(source, *(identify(key, last_name=key.upper()) for key in KEYS))
    return action


@pytest.mark.parametrize("step", ["create", "upload", "close"])
def test_it_takes_over_a_job_whose_worker_was_killed_while_starting_it(sf, action, step):
    _kill_inside(sf, step, "send_action", str(action.pk))
    killed_at = timezone.now()
    job = BulkJob.objects.get()
    lease_until = job.lease_until
    assert job.phase in bulk_recovery.STARTING_PHASES
    assert lease_until is not None
    assert lease_until + _sweep_interval() <= killed_at + RECOVERY_BOUND

    # While the lease runs, the worker may be alive: its job is left alone.
    assert bulk_recovery.recover_interrupted(now=lease_until - timedelta(seconds=1)) == 0
    assert bulk_recovery.recover_interrupted(now=lease_until + timedelta(seconds=1)) == 1

    job.refresh_from_db()
    if step == "close":
        # Closed at Salesforce before the worker died: its results are read, nothing is sent again.
        assert job.phase == BulkPhase.PROCESSING
        poll_finished_jobs(sf)
    else:
        assert job.phase == BulkPhase.FINISHED
        assert set(Delivery.objects.values_list("status", flat=True)) == {Status.RETRYING}
        assert not Delivery.objects.filter(due_at__gt=timezone.now()).exists()
        _the_dead_senders_lease_runs_out(action)
        sender.run(str(action.pk))
        poll_finished_jobs(sf)
    _assert_every_row_sent_once(sf, action)


def test_it_polls_again_a_job_whose_poller_was_killed(sf, action):
    sender.run(str(action.pk))
    job = BulkJob.objects.get()
    wait_for_salesforce(sf, job)
    BulkJob.objects.filter(pk=job.pk).update(next_poll_at=timezone.now())

    _kill_inside(sf, "poll", "poll_bulk_job", str(job.pk))
    killed_at = timezone.now()
    job.refresh_from_db()
    claimed_until = job.next_poll_at
    assert job.phase == BulkPhase.PROCESSING
    assert claimed_until is not None
    assert claimed_until + _sweep_interval() <= killed_at + RECOVERY_BOUND

    assert bulk_polling.poll_due(now=claimed_until - timedelta(seconds=1)) == 0
    assert bulk_polling.poll_due(now=claimed_until) == 1
    bulk_polling.poll(job.pk, now=claimed_until)

    _assert_every_row_sent_once(sf, action)


@pytest.mark.parametrize("step", ["upload", "close"])
def test_it_stops_a_slow_worker_whose_job_was_taken_over(sf, action, step):
    worker = _held_inside(sf, step, "send_action", str(action.pk), seconds=3)
    try:
        job = BulkJob.objects.get()
        assert job.lease_until is not None
        # Taken for dead while its call is still under way at Salesforce.
        assert bulk_recovery.recover_interrupted(now=job.lease_until + timedelta(seconds=1)) == 1
    finally:
        assert worker.wait(timeout=60) == 0

    job.refresh_from_db()
    assert job.phase == BulkPhase.FINISHED
    assert sf.org.bulk.get(job.job_id).state == "Aborted"
    # Recorded once, by the sweep: the worker found the job taken (and may
    # have sent the rows again in a job of its own, which is polled below).
    first_attempts = Attempt.objects.filter(number=1)
    assert first_attempts.count() == len(KEYS)
    assert set(first_attempts.values_list("outcome", flat=True)) == {Status.RETRYING}
    sender.run(str(action.pk))
    poll_finished_jobs(sf)
    _assert_every_row_sent_once(sf, action)
