"""The README's first command, for real: `make serve` in a fresh clone with nothing set.

A clean clone (no `.venv`, no `var/`), an environment without any of the
project's variables and a free port that is not the default: it must come
up, and its printed password, write key and demo org must all work from the
addresses it printed; one Ctrl-C to the terminal's process group must then
leave nothing running. It builds its own virtualenv (from the pip cache
where it can), so it takes minutes: `make test` leaves it out (marker
`smoke`) and `.ci/run` runs it.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.connect.salesforce_login import press
from tests.served_product import descendants, free_port, port_is_free, post_form, running, shown, sign_in

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parent.parent.parent
# Creating the virtualenv and installing into it, on a busy machine.
COMING_UP_SECONDS = 20 * 60
# What the project reads from the environment, and what would point Python elsewhere.
PROJECT_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "QUEUE_WORKERS",
    "PUBLIC_URL",
    "ALLOWED_HOSTS",
    "SIGNUP_OPEN",
    "VAR_DIR",
    "LOG_LEVEL",
    "BIND",
    "WRITE_KEY_GRACE_HOURS",
    "DATA_RETENTION_DAYS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
}
PROJECT_PREFIXES = ("SALESFORCE_", "DELIVERY_")


def _newcomers_environment() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if name not in PROJECT_VARIABLES and not name.startswith(PROJECT_PREFIXES)
    }


def _port_with_free_neighbours() -> int:
    """A free port that is not 8000, with the demo org's ports beside it (100-104 above) free too."""
    while True:
        port = free_port()
        if port != 8000 and port + 104 < 65536 and all(port_is_free(port + 100 + n) for n in range(5)):
            return port


def _lines(stream: Any) -> queue.Queue[str]:
    """The lines a child prints, read as they come (a full pipe would block it)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(app)], check=True, env=_newcomers_environment())
    assert not (app / ".venv").exists()
    assert not (app / "var").exists()
    return app


@pytest.fixture
def terminal(clone: Path) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str], int]]:
    """`BIND=127.0.0.1:<port> make serve` in the clone, as the foreground job of its own terminal."""
    port = _port_with_free_neighbours()
    make = subprocess.Popen(
        ["make", "serve"],
        cwd=clone,
        env=_newcomers_environment() | {"BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield make, _lines(make.stdout), port
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()


def _banner(lines: queue.Queue[str]) -> str:
    printed = ""
    deadline = time.monotonic() + COMING_UP_SECONDS
    while "Serving on" not in printed:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail(f"make serve did not come up in {COMING_UP_SECONDS} s:\n{printed}")
        assert line, f"make serve stopped:\n{printed}"
        printed += line
    return printed


def test_make_serve_works_from_a_fresh_clone_with_nothing_set(terminal) -> None:
    make, lines, port = terminal
    banner = _banner(lines)
    base = f"http://127.0.0.1:{port}"
    assert f"sign in at {base}/" in banner

    session, signed_in = sign_in(base, banner)
    assert signed_in.status_code == 200
    assert "Demo source" in signed_in.text

    key = shown(r"write key of its source 'Demo source': (\S+)", banner)
    identify = {"userId": "u1", "traits": {"email": "ada@example.com"}}
    sent = requests.post(f"{base}/v1/identify", json=identify, auth=(key, ""), timeout=20)
    assert (sent.status_code, sent.json()["accepted"]) == (200, 1)

    workspace = shown(r"/w/([0-9a-f-]{36})/", signed_in.url)
    destinations = f"{base}/w/{workspace}/destinations/"
    created = post_form(session, destinations + "new/", destinations, {"name": "My org"})
    detail = base + created.headers["Location"]
    started = post_form(session, detail + "connect/", detail)
    consent = press(started.headers["Location"])
    assert consent.response.headers["Location"].startswith(f"{base}/oauth/salesforce/callback/")
    connected = session.get(consent.response.headers["Location"], timeout=20)
    assert connected.url == detail
    assert "Connected to Salesforce as demo@example.com" in connected.text

    started_by_make = descendants(make.pid)
    os.killpg(make.pid, signal.SIGINT)
    make.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in started_by_make) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in started_by_make if running(pid)] == []
    assert port_is_free(port)
