"""Whether this install can do its work: each check named, each answering ok or why not.

The answers say only *ok*, *unreachable* or *stale*: nothing about the data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django_q.models import OrmQ

from monitoring import heartbeats

logger = logging.getLogger(__name__)

OK = "ok"
UNREACHABLE = "unreachable"
STALE = "stale"
# Readiness must answer quickly even when Redis does not.
REDIS_TIMEOUT_SECONDS = 2.0


def database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def broker() -> str:
    if settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
        return OK
    # The database broker: its queue table must answer.
    OrmQ.objects.exists()
    return OK


def worker() -> str:
    return OK if heartbeats.is_fresh(heartbeats.WORKER) else STALE


def followups() -> str:
    return OK if heartbeats.is_fresh(heartbeats.FOLLOWUPS) else STALE


CHECKS: dict[str, Callable[[], str]] = {
    "database": database,
    "broker": broker,
    "worker": worker,
    "followups": followups,
}


def check() -> dict[str, str]:
    """Run every check; the heartbeat checks count as unreachable when the database is."""
    results: dict[str, str] = {}
    for name, run in CHECKS.items():
        try:
            results[name] = run()
        except (DatabaseError, redis.RedisError, OSError):
            logger.warning("readiness: %s is unreachable", name, exc_info=True)
            results[name] = UNREACHABLE
    return results
