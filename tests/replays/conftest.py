"""Replays against the emulator: the engine's destination and helpers, and a range around now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from replays import running
from replays.models import Replay
from tests.engine.conftest import destination, sf  # noqa: F401


def around_now() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now - timedelta(hours=1), now + timedelta(minutes=1)


def replay_now(action: Any, **options: Any) -> Replay:
    """A replay of the last hour, run to the end as a worker would."""
    start, end = around_now()
    made = running.start(action, start, end, options.pop("source", None), queue=False, **options)
    return running.run(made.pk)


@pytest.fixture
def now_range() -> tuple[datetime, datetime]:
    return around_now()
