"""The Procfile of the larger install, started by honcho on PostgreSQL and Redis, becomes ready and logs JSON.

Runs where the suite itself runs on PostgreSQL with Redis (CI's second
pass); on the embedded defaults there is no such install to start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
READY_WITHIN_SECONDS = 120

pytestmark = [
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL", "").startswith("redis")
        ),
        reason="the Procfile's install runs on PostgreSQL with Redis (DATABASE_URL, REDIS_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _test_database_url() -> str:
    # The test database pytest made and migrated, not the one DATABASE_URL names.
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + settings.DATABASES["default"]["NAME"]))


def _answer(url: str) -> requests.Response | None:
    try:
        return requests.get(url, timeout=5)
    except requests.RequestException:
        return None


def test_honcho_starts_the_procfile_and_it_becomes_ready():
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "QUEUE_WORKERS": "1",
        "LOG_FORMAT": "json",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    answer = None
    try:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while time.monotonic() < deadline and honcho.poll() is None:
            answer = _answer(f"http://127.0.0.1:{port}/readyz")
            if answer is not None and answer.status_code == 200:
                break
            time.sleep(1)
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            output, _ = honcho.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            output, _ = honcho.communicate()
        _wait_for_group_to_end(honcho.pid)
    assert answer is not None, output.decode(errors="replace")[-4000:]
    assert answer.status_code == 200, (answer.text, output.decode(errors="replace")[-4000:])
    assert answer.json()["checks"] == {"database": "ok", "broker": "ok", "worker": "ok", "followups": "ok"}
    lines = _process_lines(output.decode(errors="replace"))
    assert {name for name, _ in lines} >= {"web", "worker"}
    logged = [json.loads(text) for _, text in lines]
    assert any("GET /readyz" in line["message"] for line in logged)


def _wait_for_group_to_end(group: int) -> None:
    """Wait until every process of the group has exited: none may keep the test database open."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(group, signal.SIGKILL)


def _process_lines(output: str) -> list[tuple[str, str]]:
    """(process type, text) of each line the Procfile's processes wrote, without honcho's own."""
    found = []
    for line in output.splitlines():
        prefix, bar, text = line.partition("| ")
        name = prefix.split()[1].split(".")[0] if bar and len(prefix.split()) > 1 else ""
        if name in ("web", "worker", "followups") and text.strip():
            found.append((name, text))
    return found
