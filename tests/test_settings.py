"""Settings come only from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FERNET_KEY = "dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAwMDAwMDA="
STRONG_KEY = "test-only-secret-key-protects-nothing-but-test-data-0123456789"
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
        tmp_path, "[s.DATABASES['default']['NAME'], s.DATABASES['default']['OPTIONS']]", SECRET_KEY=STRONG_KEY
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
        # Message ids must outlive the events they deduplicate.
        ("DEDUP_DAYS", "30", "DEDUP_DAYS must be at least 31"),
        # Intake must answer before the client libraries' 15 s timeout.
        ("INTAKE_DB_WAIT_SECONDS", "15", "INTAKE_DB_WAIT_SECONDS must be at most 12"),
    ],
)
def test_it_fails_loudly_on_a_malformed_value(tmp_path, variable, value, message):
    result = _settings(tmp_path, "1", SECRET_KEY=STRONG_KEY, **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_it_uses_redis_as_the_broker_only_when_redis_url_is_set(tmp_path):
    with_redis = _settings(
        tmp_path, "s.Q_CLUSTER", SECRET_KEY=STRONG_KEY, REDIS_URL="redis://127.0.0.1:6379/3"
    )
    without = _settings(tmp_path, "s.Q_CLUSTER", SECRET_KEY=STRONG_KEY)

    assert '"redis": "redis://127.0.0.1:6379/3"' in with_redis.stdout
    assert '"orm": "default"' in without.stdout
    assert '"max_attempts": 1' in without.stdout


def test_it_counts_sign_ins_in_redis_when_set_and_in_the_database_otherwise(tmp_path):
    expression = 's.CACHES["default"]["BACKEND"]'
    with_redis = _settings(tmp_path, expression, SECRET_KEY=STRONG_KEY, REDIS_URL="redis://127.0.0.1:6379/4")
    without = _settings(tmp_path, expression, SECRET_KEY=STRONG_KEY)

    assert with_redis.stdout.strip() == '"django.core.cache.backends.redis.RedisCache"', with_redis.stderr
    assert without.stdout.strip() == '"django.core.cache.backends.db.DatabaseCache"', without.stderr


def test_it_trusts_the_public_url_for_hosts_and_csrf(tmp_path):
    result = _settings(
        tmp_path,
        "[s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]",
        SECRET_KEY=STRONG_KEY,
        PUBLIC_URL="https://cdp.example.com/",
    )

    assert '"cdp.example.com"' in result.stdout
    assert '["https://cdp.example.com"]' in result.stdout


def test_it_refuses_to_start_without_an_encryption_key_when_debug_is_off(tmp_path):
    result = _settings(tmp_path, "1", SECRET_KEY=STRONG_KEY, FIELD_ENCRYPTION_KEY="")

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not set" in result.stderr


def test_it_generates_a_stable_development_encryption_key(tmp_path):
    first = _settings(tmp_path, "s.FIELD_ENCRYPTION_KEYS", DEBUG="1", FIELD_ENCRYPTION_KEY="")
    second = _settings(tmp_path, "s.FIELD_ENCRYPTION_KEYS", DEBUG="1", FIELD_ENCRYPTION_KEY="")

    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_it_defaults_the_public_url_to_the_address_bind_serves(tmp_path):
    result = _settings(
        tmp_path, "[s.PUBLIC_URL, s.ALLOWED_HOSTS]", SECRET_KEY=STRONG_KEY, BIND="127.0.0.2:8765"
    )

    assert result.returncode == 0, result.stderr
    assert '["http://127.0.0.2:8765", ["127.0.0.2"' in result.stdout


def test_it_keeps_a_configured_public_url_over_bind(tmp_path):
    result = _settings(
        tmp_path,
        "s.PUBLIC_URL",
        SECRET_KEY=STRONG_KEY,
        BIND="127.0.0.1:8765",
        PUBLIC_URL="https://cdp.example.com",
    )

    assert result.stdout.strip() == '"https://cdp.example.com"'


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("test-only-key-not-secret", "has 24 characters, and needs at least 50"),
        ("ab" * 40, "uses 2 different characters"),
        ("django-insecure-" + "x1y2z3w4v5" * 5, "starts with django-insecure-"),
    ],
)
def test_it_refuses_a_weak_secret_key_when_debug_is_off(tmp_path, key, message):
    result = _settings(tmp_path, "1", SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr
    assert message in result.stderr
    assert key not in result.stderr


def test_it_accepts_a_short_secret_key_when_debug_is_on(tmp_path):
    assert _settings(tmp_path, "s.SECRET_KEY", SECRET_KEY="short", DEBUG="1").stdout.strip() == '"short"'


def _mode(path):
    return oct(path.stat().st_mode & 0o777)


def test_it_creates_the_var_dir_and_the_database_readable_by_their_owner_alone(tmp_path):
    var = tmp_path / "var"
    environ = {"VAR_DIR": str(var), "SECRET_KEY": STRONG_KEY, "FIELD_ENCRYPTION_KEY": FERNET_KEY}
    environ |= {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    environ["VAR_DIR"] = str(var)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        env=environ,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    database = var / "db.sqlite3"
    # SQLite makes its WAL and index with the database file's mode, while a connection is open.
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE probe (n INTEGER)")
        connection.commit()
        companions = [var / "db.sqlite3-wal", var / "db.sqlite3-shm"]
        modes = [_mode(p) for p in companions]

    assert _mode(var) == "0o700"
    assert _mode(database) == "0o600"
    assert modes == ["0o600", "0o600"]


def test_it_tightens_an_existing_var_dir_and_database(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        (var / name).touch(mode=0o644)
        (var / name).chmod(0o644)
    var.chmod(0o755)

    result = _settings(var, "1", SECRET_KEY=STRONG_KEY, FIELD_ENCRYPTION_KEY=FERNET_KEY)

    assert result.returncode == 0, result.stderr
    assert _mode(var) == "0o700"
    assert [_mode(var / n) for n in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm")] == ["0o600"] * 3


def test_it_writes_development_keys_readable_by_their_owner_alone(tmp_path):
    result = _settings(tmp_path, "1", DEBUG="1", FIELD_ENCRYPTION_KEY="")

    assert result.returncode == 0, result.stderr
    assert _mode(tmp_path / "development-secret-key") == "0o600"
    assert _mode(tmp_path / "development-field-encryption-key") == "0o600"


def test_it_keeps_message_ids_a_week_beyond_retention_by_default(tmp_path):
    result = _settings(
        tmp_path, "[s.DATA_RETENTION_DAYS, s.DEDUP_DAYS]", SECRET_KEY=STRONG_KEY, DATA_RETENTION_DAYS="10"
    )

    assert result.stdout.strip() == "[10, 17]"
