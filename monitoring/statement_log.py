"""Counts the SQL statements of each chunk the sender sends, for the benchmark.

Off unless ``DELIVERY_STATEMENT_LOG`` names a file: then every chunk a worker
sends appends one JSON line (the action, the statements it ran, the worker's
process id) to it. Lines are short and appended in one write each, so the
workers of several clusters can share the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection


class _Counter:
    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        # An executemany is one statement sent with many rows of parameters.
        self.statements += 1
        return execute(sql, params, many, context)


@contextmanager
def counting(action_id: str, *, sent: Callable[[], bool]) -> Iterator[None]:
    """Count the statements run inside; log them if the log is on and ``sent()`` says a chunk went."""
    path = settings.DELIVERY_STATEMENT_LOG
    if not path:
        yield
        return
    counter = _Counter()
    with connection.execute_wrapper(counter):
        yield
    if sent():
        line = json.dumps({"action": str(action_id), "statements": counter.statements, "pid": os.getpid()})
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
