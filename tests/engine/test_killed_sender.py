"""A sender killed (-9) in the middle of a write: another takes over once its short lease runs out.

The sender runs in a process of its own against a file database, as a queue
worker would; the test kills it while the emulator is still carrying out
its Collections create, then plays the clock forward to the lease's end
(the stored expiry, not the wall clock) and starts a second sender.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from deliveries.lease import LEASE
from deliveries.recording import OUTCOME_UNKNOWN
from salesforce_emulator.control_guard import TOKEN_HEADER

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def install(tmp_path, salesforce_emulator):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("SALESFORCE_")
    }
    urls = salesforce_emulator.urls
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "test-only-secret-key-protects-nothing-but-test-data-0123456789",
        # One lane: every delivery of the action is this one sender's.
        "DELIVERY_LANES": "1",
        "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAwMDAwMDA=",
        "SALESFORCE_CLIENT_ID": salesforce_emulator.client_id,
        "SALESFORCE_CLIENT_SECRET": salesforce_emulator.client_secret,
        "SALESFORCE_LOGIN_URL": urls["production_login"],
        "SALESFORCE_EXTRA_INSTANCE_HOSTS": ",".join(urlsplit(u).netloc for u in urls.values()),
    }
    # The system checks are not what this test is about, and cost seconds.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0", "--skip-checks"], env=env, cwd=ROOT, check=True
    )
    return env, tmp_path / "db.sqlite3"


def _worker(env, *args, wait=True):
    command = [sys.executable, "-m", "tests.engine.sender_process", *args]
    if wait:
        return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return subprocess.Popen(command, env=env, cwd=ROOT)


def _rows(db, sql, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def _stamp(value):
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def test_a_killed_sender_is_taken_over_at_the_end_of_its_short_lease_and_nothing_is_created_twice(
    install, salesforce_emulator
):
    env, db = install
    org = salesforce_emulator.org("production")
    tokens = org.mint_tokens()
    details = {**tokens, "org_id": org.org_id, "user_id": org.user_id, "username": org.username}
    action_id = _worker(env, "setup", json.dumps(details), "3").strip().replace("-", "")
    fault = {"kind": "latency", "path": "/composite/sobjects", "method": "POST", "seconds": 3.0, "count": 1}
    control = f"{salesforce_emulator.urls['control']}/orgs/production/faults"
    headers = {TOKEN_HEADER: salesforce_emulator.control_token}
    requests.post(control, json=fault, headers=headers, timeout=10).raise_for_status()

    worker = _worker(env, "send", action_id, wait=False)
    for _ in range(2000):
        if _rows(db, "SELECT 1 FROM deliveries_attempt WHERE outcome = 'writing'"):
            break
        time.sleep(0.01)
    else:
        worker.kill()
        raise AssertionError("the sender never started its write")
    # Marked just before sending; the emulator holds the request for three seconds.
    time.sleep(0.5)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_at = datetime.now(UTC)

    # The lease it held runs out within LEASE of the kill, not after minutes.
    [(lease_until,)] = _rows(db, "SELECT until FROM deliveries_senderlease")
    assert _stamp(lease_until) <= killed_at + LEASE
    # Events that were not in the killed chunk, routed meanwhile.
    _worker(env, "events", action_id, "3", "2")
    # Salesforce carries the killed request out all the same.
    for _ in range(1000):
        if len(org.records("Lead")) == 3:
            break
        time.sleep(0.01)
    else:
        raise AssertionError("the killed sender's write never reached Salesforce")
    # A sender started before the lease ran out finds it taken and sends nothing.
    _worker(env, "send", action_id)
    assert _rows(db, "SELECT COUNT(*) FROM deliveries_delivery WHERE status = 'delivered'") == [(0,)]

    # The clock moves past the lease's end; the next sender takes over.
    past = (_stamp(lease_until) - LEASE - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    _rows(db, "UPDATE deliveries_senderlease SET until = ?", past)
    _worker(env, "send", action_id)

    statuses = _rows(db, "SELECT status, error_code FROM deliveries_delivery ORDER BY id")
    assert statuses == [("failed", OUTCOME_UNKNOWN)] * 3 + [("delivered", "")] * 2
    names = sorted(r["LastName"] for r in org.records("Lead"))
    assert names == ["L0", "L1", "L2", "L3", "L4"]
