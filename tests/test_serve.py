"""`manage.py serve`, as `make serve` runs it: web app, workers and the demo org; one Ctrl-C stops all."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.connect.salesforce_login import press
from tests.served_product import (
    descendants,
    free_port,
    port_is_free,
    post_form,
    process_group,
    running,
    shown,
    sign_in,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    base: str
    banner: str
    process: subprocess.Popen
    env: dict[str, str]
    descendants: set[int] = field(default_factory=set)
    stop_seconds: float = 0.0
    # Descendants that a terminal's Ctrl-C would reach besides serve itself.
    in_terminal_group: set[int] = field(default_factory=set)
    # Everything the server printed after the banner (access log, workers),
    # complete once the server has stopped.
    output: list[str] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        """A management command against the served install's database."""
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@contextmanager
def _serving(tmp_path, stop: str = "ctrl-c", **extra_env: str) -> Iterator[Served]:
    """`manage.py serve` on a free port given as BIND (PUBLIC_URL unset), no Salesforce app configured.

    At the end it is stopped the way ``stop`` says: "ctrl-c" is SIGINT to its
    whole process group, as a terminal sends it; "sigterm" is one SIGTERM to
    the serve process; "twice" is Ctrl-C pressed twice in a row.
    """
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_URL", "BIND")
        and not k.startswith("SALESFORCE_")
    }
    env |= {"DEBUG": "1", "VAR_DIR": str(tmp_path), "BIND": f"127.0.0.1:{port}", **extra_env}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [*manage, "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Its own process group, standing for the terminal's.
        start_new_session=True,
    )
    assert server.stdout is not None
    served = Served(f"http://127.0.0.1:{port}", "", server, env)
    try:
        while "Serving on" not in served.banner:
            line = server.stdout.readline()
            assert line, served.banner
            served.banner += line
        # Keep reading what the server prints (access log, workers): a full
        # pipe would block it mid-request.
        stdout = server.stdout
        reader = threading.Thread(target=lambda: served.output.extend(stdout), daemon=True)
        reader.start()
        yield served
        served.descendants = descendants(server.pid)
        served.in_terminal_group = {pid for pid in served.descendants if process_group(pid) == server.pid}
        served.stop_seconds = _stop(server, stop)
        reader.join(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _stop(server: subprocess.Popen, how: str) -> float:
    """Signal the server as ``how`` says; the seconds until it exited."""
    started = time.monotonic()
    if how == "sigkill":
        # serve alone, as the OOM killer or `kill -9 <pid>` would: no chance to stop its children.
        server.send_signal(signal.SIGKILL)
    elif how in ("sigterm", "sighup"):
        server.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGHUP)
    else:
        os.killpg(server.pid, signal.SIGINT)
        if how == "twice":
            time.sleep(0.3)
            os.killpg(server.pid, signal.SIGINT)
    server.wait(timeout=30)
    return time.monotonic() - started


def _nothing_left_running(served: Served) -> bool:
    # gunicorn's master and its workers, the cluster and its workers, followups, the emulator.
    assert len(served.descendants) >= 6, served.descendants
    return served.process.returncode == 0 and not any(running(pid) for pid in served.descendants)


def test_it_serves_the_product_and_stops_everything_on_ctrl_c(tmp_path):
    with _serving(tmp_path) as served:
        key = shown(r"write key of its source 'Demo source': (\S+)", served.banner)
        _, signed_in = sign_in(served.base, served.banner)
        assert "Demo source" in signed_in.text
        sent = requests.post(
            f"{served.base}/v1/track", json={"userId": "u", "event": "Hello"}, auth=(key, ""), timeout=20
        )
        assert sent.json()["accepted"] == 1

    assert _nothing_left_running(served)
    assert served.stop_seconds < 10
    assert port_is_free(int(served.base.rpartition(":")[2]))
    # Only serve hears the terminal: gunicorn's workers hearing it too is how
    # a second signal from their master re-entered their shutdown and hung.
    assert served.in_terminal_group == set()


def test_it_announces_the_address_bind_serves_when_public_url_is_not_set(tmp_path):
    with _serving(tmp_path) as served:
        pass

    assert f"sign in at {served.base}/ as demo@example.com" in served.banner
    assert f"{served.base}/v1/identify" in served.banner
    assert f"Serving on {served.base}/" in served.banner
    assert ":8000" not in served.banner


@pytest.mark.parametrize("stop", ["sigterm", "sighup"])
def test_it_stops_everything_on_one_sigterm_or_when_the_terminal_closes(tmp_path, stop):
    with _serving(tmp_path, stop=stop) as served:
        sign_in(served.base, served.banner)

    assert _nothing_left_running(served)
    assert served.stop_seconds < 10


def test_it_says_in_one_line_when_public_url_is_not_the_address_bind_serves(tmp_path):
    with _serving(tmp_path, PUBLIC_URL="https://cdp.example.com") as served:
        pass

    said = [line for line in served.banner.splitlines() if "PUBLIC_URL is https://cdp.example.com" in line]
    assert len(said) == 1
    assert f"listens on {served.base}" in said[0]
    assert "sign in at https://cdp.example.com/" in served.banner


def test_a_second_ctrl_c_never_deadlocks(tmp_path):
    with _serving(tmp_path, stop="twice") as served:
        # Web workers busy with kept-alive connections when the signals come.
        session, _ = sign_in(served.base, served.banner)
        session.get(served.base + "/", timeout=20)

    assert _nothing_left_running(served)
    assert served.stop_seconds < 10
    assert port_is_free(int(served.base.rpartition(":")[2]))


def test_its_logs_never_hold_a_write_key_used_or_guessed(tmp_path):
    guess = "wk_" + "G" * 43
    with _serving(tmp_path) as served:
        key = shown(r"write key of its source 'Demo source': (\S+)", served.banner)
        sign_in(served.base, served.banner)
        track = f"{served.base}/v1/track"
        event = {"userId": "u", "event": "Hello"}
        assert requests.post(track, json=event, auth=(key, ""), timeout=20).status_code == 200
        assert requests.post(track, json=event, auth=(guess, ""), timeout=20).status_code == 401
        bearer = {"Authorization": f"Bearer {key}"}
        assert requests.post(track, json=event, headers=bearer, timeout=20).status_code == 200
        assert requests.post(track, json={**event, "writeKey": key}, timeout=20).status_code == 200

    log = "".join(served.output)
    assert log.count('"POST /v1/track HTTP/1.1" 200') == 3, log
    assert '"POST /v1/track HTTP/1.1" 401' in log
    assert key not in log and guess not in log
    assert key[3:20] not in log


def test_it_connects_the_demo_org_when_no_salesforce_app_is_configured(tmp_path):
    with _serving(tmp_path) as served:
        assert "Connect goes to the built-in demo Salesforce org" in served.banner
        session, signed_in = sign_in(served.base, served.banner)
        workspace = shown(r"/w/([0-9a-f-]{36})/", signed_in.url)
        destinations = f"{served.base}/w/{workspace}/destinations/"
        assert "demo Salesforce org" in session.get(destinations, timeout=20).text
        created = post_form(session, destinations + "new/", destinations, {"name": "Demo org"})
        detail = served.base + created.headers["Location"]
        started = post_form(session, detail + "connect/", detail)

        consent = press(started.headers["Location"])
        connected = session.get(consent.response.headers["Location"], timeout=20)

        assert connected.url == detail
        assert "Connected to Salesforce as demo@example.com" in connected.text
        assert "Demo org" in connected.text
        _delivers_through_the_queue_workers(served, tmp_path)

    assert _nothing_left_running(served)


def _delivers_through_the_queue_workers(served: Served, tmp_path: Path) -> None:
    """An event sent to the running product reaches the demo org by itself."""
    config = {
        "version": 1,
        "workspace": "Demo",
        "sources": [{"name": "Demo source"}],
        "destinations": [
            {
                "name": "Demo org",
                "enabled": True,
                "sources": ["Demo source"],
                "actions": [{"name": "Leads", "kind": "lead", "operation": "create"}],
            }
        ],
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    served.manage("import_config", str(tmp_path / "config.json"))
    key = shown(r"write key of its source 'Demo source': (\S+)", served.banner)
    event = {"userId": "u1", "traits": {"last_name": "Lovelace", "company": "Analytical Engines"}}
    assert (
        requests.post(f"{served.base}/v1/identify", json=event, auth=(key, ""), timeout=20).json()["accepted"]
        == 1
    )

    deadline = time.monotonic() + 60
    while True:
        rows = [json.loads(line) for line in served.manage("data_out", "--json").splitlines()]
        if rows and rows[0]["status"] == "delivered":
            break
        assert time.monotonic() < deadline, json.dumps(rows)
        time.sleep(0.5)
    assert rows[0]["record_id"].startswith("00Q")
    assert rows[0]["created_record"] is True


def test_it_starts_the_demo_org_on_free_ports_when_its_own_are_taken(settings):
    from config.management.commands.serve import DEMO_PORT_OFFSET, _start_demo_org

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        emulator, demo_env, _ = _start_demo_org(
            sys.executable, f"127.0.0.1:{port - DEMO_PORT_OFFSET}", "http://127.0.0.1:8000"
        )
    try:
        assert demo_env["SALESFORCE_LOGIN_URL"].startswith("http://127.0.0.1:")
        assert demo_env["SALESFORCE_LOGIN_URL"] != f"http://127.0.0.1:{port}"
        assert requests.get(demo_env["SALESFORCE_LOGIN_URL"] + "/services/data/", timeout=5).ok
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


def test_its_children_end_when_serve_itself_is_killed(tmp_path):
    with _serving(tmp_path, stop="sigkill") as served:
        sign_in(served.base, served.banner)

    assert len(served.descendants) >= 6, served.descendants
    deadline = time.monotonic() + 20
    while any(running(pid) for pid in served.descendants) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(running(pid) for pid in served.descendants)
    assert port_is_free(int(served.base.rpartition(":")[2]))
