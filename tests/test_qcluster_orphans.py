"""Killing only the top `qcluster` process ends its whole tree: no worker goes on headless."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The sentinel, its two workers, the pusher and the monitor.
CHILDREN = 5
BOUND_SECONDS = 10


def _session_pids(session: int) -> set[int]:
    found = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True, check=False)
    return {int(pid) for pid in found.stdout.split()}


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_it_ends_every_child_when_the_top_process_is_killed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"VAR_DIR": str(tmp_path), "QUEUE_WORKERS": "2"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    cluster = subprocess.Popen(
        [*manage, "qcluster"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: len(_session_pids(cluster.pid) - {cluster.pid}) >= CHILDREN, 60)
        cluster.send_signal(signal.SIGKILL)
        cluster.wait(timeout=5)
        assert _wait_for(lambda: not _session_pids(cluster.pid), BOUND_SECONDS), _session_pids(cluster.pid)
    finally:
        for pid in _session_pids(cluster.pid):
            os.kill(pid, signal.SIGKILL)
