"""Intake under a held database lock answers 503 with Retry-After in seconds, before a client gives up."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from django.conf import settings
from django.db import connections

from sources.models import Event
from sources.provisioning import create_source

# The client libraries' request timeout: an answer must come before it.
CLIENT_TIMEOUT_SECONDS = 15
ENGINE = settings.DATABASES["default"]["ENGINE"]
on_sqlite = pytest.mark.skipif(not ENGINE.endswith("sqlite3"), reason="SQLite's write lock")
on_postgresql = pytest.mark.skipif(
    not ENGINE.endswith("postgresql"), reason="runs when DATABASE_URL is PostgreSQL"
)


def _post(url, key, message_id):
    body = json.dumps({"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": message_id}]})
    return requests.post(f"{url}/v1/batch", data=body, auth=(key, ""), timeout=CLIENT_TIMEOUT_SECONDS - 1)


@contextmanager
def _sqlite_write_lock() -> Iterator[None]:
    holder = sqlite3.connect(connections["default"].settings_dict["NAME"], timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def _postgresql_table_lock(table: str) -> Iterator[None]:
    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    with holder.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def _assert_refused_then_stored(live_server, key, lock):
    with lock:
        refused = _post(live_server.url, key, "m-1")

    assert refused.status_code == 503
    assert refused.json()["code"] == "unavailable"
    assert int(refused.headers["Retry-After"]) > 0
    assert not Event.objects.exists()
    # Nothing half-stored: the retry is a first copy, not a duplicate.
    again = _post(live_server.url, key, "m-1")
    assert (again.status_code, again.json()["accepted"]) == (200, 1)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_it_answers_503_before_the_client_timeout_while_sqlite_is_locked(live_server, team):
    _, key = create_source(team.workspace, "locked")

    _assert_refused_then_stored(live_server, key, _sqlite_write_lock())


@on_postgresql
@pytest.mark.parametrize("table", ["sources_event", "sources_source"])
@pytest.mark.django_db(transaction=True)
def test_it_answers_503_before_the_client_timeout_while_a_table_is_locked(live_server, team, table):
    _, key = create_source(team.workspace, "locked")

    _assert_refused_then_stored(live_server, key, _postgresql_table_lock(table))
