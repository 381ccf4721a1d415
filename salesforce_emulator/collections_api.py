"""Placeholder."""

from __future__ import annotations

from werkzeug.wrappers import Response

from salesforce_emulator import errors
from salesforce_emulator.calls import Call


def handle(call: Call) -> Response:
    raise errors.not_found()
