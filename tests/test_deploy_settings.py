"""Served over https: HSTS, redirect to https, secure cookies, a strict policy, and a clean check --deploy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "test-only-secret-key-protects-nothing-but-test-data-0123456789"
FERNET_KEY = "dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAwMDAwMDA="
PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client(HTTP_HOST="cdp.example.com")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
probe = client.get("/healthz")
print(json.dumps({
    "probe": probe.status_code,
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": [secure.status_code, dict(secure.headers)],
    "cookies": {name: bool(morsel["secure"]) for name, morsel in secure.cookies.items()},
}))
"""


def _env(tmp_path, public_url):
    environ = {
        k: v
        for k, v in os.environ.items()
        # The browser tests' async relaxation is for the test process alone.
        if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        and not k.startswith("SALESFORCE_")
    }
    return environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": STRONG_KEY,
        "FIELD_ENCRYPTION_KEY": FERNET_KEY,
        "PUBLIC_URL": public_url,
        "EMAIL_URL": "smtp://mail.example.com:587/?tls=1",
        "DEBUG": "0",
    }


def _run(tmp_path, public_url, *args):
    return subprocess.run(
        [sys.executable, *args], env=_env(tmp_path, public_url), cwd=ROOT, capture_output=True, text=True
    )


def test_check_deploy_has_no_warnings_with_an_https_public_url(tmp_path):
    result = _run(
        tmp_path, "https://cdp.example.com", "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    result = _run(
        tmp_path, "http://cdp.example.com", "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_check_deploy_warns_when_mail_is_not_set_up(tmp_path):
    env = _env(tmp_path, "https://cdp.example.com")
    del env["EMAIL_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "config.W001" in result.stderr + result.stdout
    assert "EMAIL_URL is not set" in result.stderr + result.stdout


def test_it_redirects_to_https_and_sends_hsts_secure_cookies_and_the_policy(tmp_path):
    _run(tmp_path, "https://cdp.example.com", "manage.py", "migrate", "-v0")
    result = _run(tmp_path, "https://cdp.example.com", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)

    assert answers["plain"] == [301, "https://cdp.example.com/accounts/login/"]
    # A load balancer's probe over plain http is answered, not redirected.
    assert answers["probe"] == 200
    status, headers = answers["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert answers["cookies"] and all(answers["cookies"].values())
