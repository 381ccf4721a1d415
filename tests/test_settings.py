"""Settings come only from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FERNET_KEY = "dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAwMDAwMDA="
PROBE = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({0}))"


def _settings(tmp_path, expression, **env):
    environ = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL")
    }
    environ |= {"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(expression)],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = _settings(tmp_path, "1")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_generates_a_stable_development_key_when_debug_is_on(tmp_path):
    first = _settings(tmp_path, "s.SECRET_KEY", DEBUG="1")
    second = _settings(tmp_path, "s.SECRET_KEY", DEBUG="1")

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) > 40


def test_it_defaults_to_a_sqlite_file_in_wal_mode(tmp_path):
    result = _settings(
        tmp_path, "[s.DATABASES['default']['NAME'], s.DATABASES['default']['OPTIONS']]", SECRET_KEY="k"
    )

    name, options = eval(result.stdout)  # noqa: S307 - our own JSON list
    assert name == str(tmp_path / "db.sqlite3")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL"),
        ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL"),
        ("DEBUG", "perhaps", "DEBUG must be one of"),
        ("PUBLIC_URL", "example.com", "PUBLIC_URL must be an absolute"),
        ("QUEUE_WORKERS", "0", "QUEUE_WORKERS must be at least 1"),
        ("FIELD_ENCRYPTION_KEY", "not-a-key", "key 1 is not a Fernet key"),
        ("SALESFORCE_API_VERSION", "v60", "SALESFORCE_API_VERSION must look like 62.0"),
        ("SALESFORCE_EXTRA_INSTANCE_HOSTS", "http://127.0.0.1:9000", "must list host:port values"),
        ("SALESFORCE_LOGIN_URL", "login.salesforce.com", "SALESFORCE_LOGIN_URL must be an absolute"),
        ("WRITE_KEY_GRACE_HOURS", "a day", "WRITE_KEY_GRACE_HOURS must be a whole number"),
        ("WRITE_KEY_GRACE_HOURS", "-1", "WRITE_KEY_GRACE_HOURS must be at least 0"),
    ],
)
def test_it_fails_loudly_on_a_malformed_value(tmp_path, variable, value, message):
    result = _settings(tmp_path, "1", SECRET_KEY="k", **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_it_uses_redis_as_the_broker_only_when_redis_url_is_set(tmp_path):
    with_redis = _settings(tmp_path, "s.Q_CLUSTER", SECRET_KEY="k", REDIS_URL="redis://127.0.0.1:6379/3")
    without = _settings(tmp_path, "s.Q_CLUSTER", SECRET_KEY="k")

    assert '"redis": "redis://127.0.0.1:6379/3"' in with_redis.stdout
    assert '"orm": "default"' in without.stdout
    assert '"max_attempts": 1' in without.stdout


def test_it_trusts_the_public_url_for_hosts_and_csrf(tmp_path):
    result = _settings(
        tmp_path,
        "[s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]",
        SECRET_KEY="k",
        PUBLIC_URL="https://cdp.example.com/",
    )

    assert '"cdp.example.com"' in result.stdout
    assert '["https://cdp.example.com"]' in result.stdout


def test_it_refuses_to_start_without_an_encryption_key_when_debug_is_off(tmp_path):
    result = _settings(tmp_path, "1", SECRET_KEY="k", FIELD_ENCRYPTION_KEY="")

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr


def test_it_generates_a_stable_development_encryption_key(tmp_path):
    first = _settings(tmp_path, "s.FIELD_ENCRYPTION_KEYS", DEBUG="1", FIELD_ENCRYPTION_KEY="")
    second = _settings(tmp_path, "s.FIELD_ENCRYPTION_KEYS", DEBUG="1", FIELD_ENCRYPTION_KEY="")

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_it_defaults_the_public_url_to_the_address_bind_serves(tmp_path):
    result = _settings(tmp_path, "[s.PUBLIC_URL, s.ALLOWED_HOSTS]", SECRET_KEY="k", BIND="127.0.0.2:8765")

    assert result.returncode == 0, result.stderr
    assert '["http://127.0.0.2:8765", ["127.0.0.2"' in result.stdout


def test_it_keeps_a_configured_public_url_over_bind(tmp_path):
    result = _settings(
        tmp_path, "s.PUBLIC_URL", SECRET_KEY="k", BIND="127.0.0.1:8765", PUBLIC_URL="https://cdp.example.com"
    )

    assert result.stdout.strip() == '"https://cdp.example.com"'
