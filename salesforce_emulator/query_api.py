"""Placeholder until the query endpoints land."""

from __future__ import annotations

from werkzeug.wrappers import Response

from salesforce_emulator import errors
from salesforce_emulator.calls import Call


class QueryCursors:
    pass


def handle(call: Call) -> Response:
    raise errors.not_found()
