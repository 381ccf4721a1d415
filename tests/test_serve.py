"""`manage.py serve`, as `make serve` runs it: web app and workers, one Ctrl-C stops both."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shown(pattern, text):
    found = re.search(pattern, text)
    assert found, text
    return found.group(1)


def test_it_serves_the_product_and_stops_everything_on_ctrl_c(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
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
        password = _shown(r"as demo@example.com with password (\S+)", banner)
        key = _shown(r"write key of its source 'Demo source': (\S+)", banner)

        session = requests.Session()
        deadline = time.monotonic() + 30
        while True:
            try:
                login_page = session.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert login_page.status_code == 200
        signed_in = session.post(
            f"http://127.0.0.1:{port}/accounts/login/",
            {
                "login": "demo@example.com",
                "password": password,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"},
            timeout=5,
        )
        assert "Demo source" in signed_in.text
        sent = requests.post(
            f"http://127.0.0.1:{port}/v1/track",
            json={"userId": "u", "event": "Hello"},
            auth=(key, ""),
            timeout=5,
        )
        assert sent.json()["accepted"] == 1
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    children = subprocess.run(["pgrep", "-s", str(server.pid)], capture_output=True, text=True, check=False)
    assert server.returncode == 0
    assert children.stdout == ""
