"""Intake's database work, bounded: a held lock costs a 503 in seconds, never a client timeout.

The client libraries give up on a request after 15 seconds. Without a bound,
intake waits for a lock as long as another transaction holds it (PostgreSQL
has no lock or statement timeout by default; SQLite waits its busy timeout,
20 s for the workers), so the client times out without an answer. Inside
these blocks no wait lasts longer than ``INTAKE_DB_WAIT_SECONDS``: the
database raises an ``OperationalError``, which intake answers with 503 and
``Retry-After``, and the client sends the batch again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


def _milliseconds() -> int:
    return int(settings.INTAKE_DB_WAIT_SECONDS * 1000)


@contextmanager
def bounded_transaction() -> Iterator[None]:
    """A transaction in which waiting for a lock or running a statement is cut short."""
    if connection.vendor == "sqlite":
        # IMMEDIATE transactions wait for the write lock at BEGIN: bound the
        # wait before it, and give the connection its own timeout back after.
        with _sqlite_busy_timeout(_milliseconds()), transaction.atomic():
            yield
        return
    with transaction.atomic():
        _postgresql_bounds()
        yield


@contextmanager
def bounded_read() -> Iterator[None]:
    """Reads outside the storing transaction, bounded the same way on PostgreSQL.

    SQLite readers in WAL mode never wait for a writer, and an IMMEDIATE
    transaction would take the write lock for a read: nothing to do there.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        _postgresql_bounds()
        yield


def _postgresql_bounds() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # LOCAL: the bounds end with this transaction, the pooled connection keeps its own.
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, true), set_config('statement_timeout', %s, true)",
            [f"{_milliseconds()}ms", f"{_milliseconds()}ms"],
        )


@contextmanager
def _sqlite_busy_timeout(milliseconds: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {previous}")
