"""`manage.py serve`, as `make serve` runs it: web app, workers and the demo org; one Ctrl-C stops all."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.connect.salesforce_login import press

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shown(pattern, text):
    found = re.search(pattern, text)
    assert found, text
    return found.group(1)


@dataclass
class Served:
    base: str
    banner: str
    process: subprocess.Popen
    env: dict[str, str]
    # Everything the server printed after the banner (access log, workers),
    # complete once the server has stopped.
    output: list[str]

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
def _serving(tmp_path) -> Iterator[Served]:
    """`manage.py serve` on a free port, with no Salesforce app configured; Ctrl-C at the end."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY") and not k.startswith("SALESFORCE_")
    }
    env |= {"DEBUG": "1", "VAR_DIR": str(tmp_path), "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [*manage, "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert server.stdout is not None
    try:
        banner = ""
        while "Serving on" not in banner:
            line = server.stdout.readline()
            assert line, banner
            banner += line
        # Keep reading what the server prints (access log, workers): a full
        # pipe would block it mid-request.
        output: list[str] = []
        stdout = server.stdout
        reader = threading.Thread(target=lambda: output.extend(stdout), daemon=True)
        reader.start()
        yield Served(f"http://127.0.0.1:{port}", banner, server, env, output)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    reader.join(timeout=10)


def _nothing_left_running(served: Served) -> bool:
    children = subprocess.run(
        ["pgrep", "-s", str(served.process.pid)], capture_output=True, text=True, check=False
    )
    return served.process.returncode == 0 and children.stdout == ""


def _sign_in(served: Served) -> tuple[requests.Session, requests.Response]:
    password = _shown(r"as demo@example.com with password (\S+)", served.banner)
    session = requests.Session()
    # Generous: the first requests wait for gunicorn's workers to boot, slower on a busy machine.
    deadline = time.monotonic() + 60
    while True:
        try:
            login_page = session.get(f"{served.base}/accounts/login/", timeout=10)
            break
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert login_page.status_code == 200
    signed_in = session.post(
        f"{served.base}/accounts/login/",
        {
            "login": "demo@example.com",
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{served.base}/accounts/login/"},
        timeout=20,
    )
    return session, signed_in


def _post_form(session, url, page_url, data=None):
    return session.post(
        url,
        {**(data or {}), "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": page_url},
        allow_redirects=False,
        timeout=20,
    )


def test_it_serves_the_product_and_stops_everything_on_ctrl_c(tmp_path):
    with _serving(tmp_path) as served:
        key = _shown(r"write key of its source 'Demo source': (\S+)", served.banner)
        _, signed_in = _sign_in(served)
        assert "Demo source" in signed_in.text
        sent = requests.post(
            f"{served.base}/v1/track", json={"userId": "u", "event": "Hello"}, auth=(key, ""), timeout=20
        )
        assert sent.json()["accepted"] == 1

    assert _nothing_left_running(served)


def test_its_logs_never_hold_a_write_key_used_or_guessed(tmp_path):
    guess = "wk_" + "G" * 43
    with _serving(tmp_path) as served:
        key = _shown(r"write key of its source 'Demo source': (\S+)", served.banner)
        _sign_in(served)
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
        session, signed_in = _sign_in(served)
        workspace = _shown(r"/w/([0-9a-f-]{36})/", signed_in.url)
        destinations = f"{served.base}/w/{workspace}/destinations/"
        assert "demo Salesforce org" in session.get(destinations, timeout=20).text
        created = _post_form(session, destinations + "new/", destinations, {"name": "Demo org"})
        detail = served.base + created.headers["Location"]
        started = _post_form(session, detail + "connect/", detail)

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
    key = _shown(r"write key of its source 'Demo source': (\S+)", served.banner)
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
        assert time.monotonic() < deadline, rows
        time.sleep(0.5)
    assert rows[0]["record_id"].startswith("00Q")
    assert rows[0]["created_record"] is True


def test_it_starts_the_demo_org_on_free_ports_when_its_own_are_taken(settings):
    from config.management.commands.serve import DEMO_PORT_OFFSET, _start_demo_org

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        emulator, demo_env, _ = _start_demo_org(sys.executable, f"127.0.0.1:{port - DEMO_PORT_OFFSET}")
    try:
        assert demo_env["SALESFORCE_LOGIN_URL"].startswith("http://127.0.0.1:")
        assert demo_env["SALESFORCE_LOGIN_URL"] != f"http://127.0.0.1:{port}"
        assert requests.get(demo_env["SALESFORCE_LOGIN_URL"] + "/services/data/", timeout=5).ok
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
