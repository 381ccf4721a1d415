import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def test_it_prints_one_json_line_serves_and_stops_on_sigterm():
    env = {**os.environ, "SECRET_KEY": "test-only-secret-key-protects-nothing-but-test-data-0123456789"}
    command = [
        sys.executable,
        "manage.py",
        "salesforce_emulator",
        "--client-id",
        "cid",
        "--client-secret",
        "sec",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        assert set(line) == {
            "production_login",
            "production_instance",
            "sandbox_login",
            "sandbox_instance",
            "control",
            "client_id",
            "client_secret",
            "control_token",
        }
        assert (line["client_id"], line["client_secret"]) == ("cid", "sec")
        status = requests.get(
            line["control"] + "/status", headers={"X-Emulator-Token": line["control_token"]}, timeout=5
        ).json()
        assert status["sandbox_instance"] == line["sandbox_instance"]
        versions = requests.get(line["production_instance"] + "/services/data", timeout=5)
        assert versions.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stdout.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
