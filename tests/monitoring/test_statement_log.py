"""The benchmark's count of SQL statements per sent chunk."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from monitoring import statement_log

pytestmark = pytest.mark.django_db


def _three_statements() -> None:
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT 1")


def test_a_sent_chunk_appends_its_statement_count(settings, tmp_path):
    settings.DELIVERY_STATEMENT_LOG = str(tmp_path / "statements.jsonl")

    with statement_log.counting("42", sent=lambda: True):
        _three_statements()
    with statement_log.counting("42", sent=lambda: True):
        _three_statements()
        _three_statements()

    lines = [json.loads(line) for line in (tmp_path / "statements.jsonl").read_text().splitlines()]
    assert [(line["action"], line["statements"]) for line in lines] == [("42", 3), ("42", 6)]


def test_nothing_is_logged_when_no_chunk_went(settings, tmp_path):
    settings.DELIVERY_STATEMENT_LOG = str(tmp_path / "statements.jsonl")

    with statement_log.counting("42", sent=lambda: False):
        _three_statements()

    assert not (tmp_path / "statements.jsonl").exists()


def test_nothing_is_counted_or_written_when_the_log_is_off(settings, tmp_path, monkeypatch):
    settings.DELIVERY_STATEMENT_LOG = ""
    monkeypatch.chdir(tmp_path)

    with statement_log.counting("42", sent=lambda: True):
        _three_statements()
        assert connection.execute_wrappers == []

    assert list(tmp_path.iterdir()) == []
