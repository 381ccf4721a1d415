"""LOG_FORMAT=json: one JSON object per line with the ids in context; a bad value stops start-up."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from deliveries import tasks
from monitoring import log_context
from monitoring.json_logs import JsonFormatter
from tests.test_settings import FERNET_KEY

LOGS_A_LINE = (
    "import django, logging; django.setup();"
    "from monitoring import log_context;"
    "logging.getLogger('probe').warning('first line');"
    "ctx = log_context.bound(workspace='w-1', delivery=7); ctx.__enter__();"
    "logging.getLogger('probe.inner').error('second %s', 'line');"
    "logging.getLogger('django.request').error('third line')"
)


def _run(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path),
        "SECRET_KEY": "test-only-secret-key-protects-nothing-but-test-data-0123456789",
        "FIELD_ENCRYPTION_KEY": FERNET_KEY,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", LOGS_A_LINE], env=environ, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("debug", ["0", "1"])
def test_it_writes_one_json_object_per_line_with_the_ids_in_context(tmp_path, debug):
    result = _run(tmp_path, LOG_FORMAT="json", DEBUG=debug)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("WARNING", "probe", "first line"),
        ("ERROR", "probe.inner", "second line"),
        ("ERROR", "django.request", "third line"),
    ]
    assert "workspace" not in lines[0]
    assert lines[1]["workspace"] == "w-1"
    assert lines[1]["delivery"] == "7"
    assert lines[1]["time"].endswith("+00:00")


def test_it_stays_readable_text_by_default(tmp_path):
    result = _run(tmp_path)

    assert result.returncode == 0, result.stderr
    assert " WARNING probe first line" in result.stderr
    assert not result.stderr.lstrip().startswith("{")


@pytest.mark.parametrize("value", ["xml", "JSONL", "1"])
def test_it_refuses_a_malformed_log_format_at_start_up(tmp_path, value):
    result = _run(tmp_path, LOG_FORMAT=value)

    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


def _record(message: str, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("x", logging.ERROR, __file__, 1, message, (), exc_info)


def test_it_carries_an_exception_and_odd_text_in_valid_json():
    try:
        raise ValueError('a "quoted"\nline')
    except ValueError:
        record = _record("boom\n{not json}", exc_info=sys.exc_info())

    line = JsonFormatter().format(record)

    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "boom\n{not json}"
    assert 'ValueError: a "quoted"' in parsed["exception"]


def test_it_refuses_an_unknown_context_id():
    with pytest.raises(ValueError, match="unknown log context ids"), log_context.bound(user="x"):
        pass


@pytest.mark.django_db
def test_the_sender_task_logs_with_its_action_destination_and_workspace(team, source, monkeypatch):
    from tests.deliveries.delivery_rows import delivery_row

    action = delivery_row(team, source).action
    seen = {}
    monkeypatch.setattr(tasks.sender, "run", lambda action_id, **lane: seen.update(log_context.current()))

    tasks.send_action(str(action.pk))

    assert seen == {
        "workspace": str(team.workspace.pk),
        "destination": str(action.destination_id),
        "action": str(action.pk),
    }
    assert log_context.current() == {}


@pytest.mark.django_db
def test_a_page_logs_with_the_workspace_it_shows(team, source, monkeypatch):
    from sources import views

    seen = {}
    real = views.rejections.summary

    def spy(src):
        seen.update(log_context.current())
        return real(src)

    monkeypatch.setattr(views.rejections, "summary", spy)

    team.client_for("owner").get(f"/w/{team.workspace.pk}/sources/{source.source.pk}/")

    assert seen == {"workspace": str(team.workspace.pk)}
    assert log_context.current() == {}
