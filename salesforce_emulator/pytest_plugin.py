"""pytest fixtures: one emulator per test session, reset before each test.

Enable with ``pytest_plugins = ["salesforce_emulator.pytest_plugin"]``.

``salesforce_emulator`` yields a running ``Emulator`` on free ports with
fresh data, tokens, log, faults and limits, and with its configuration back
to the session's defaults. Tests keep Bulk jobs quick: the session starts
with a 0.05 s processing delay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from salesforce_emulator import Emulator, EmulatorConfig


def _session_config() -> EmulatorConfig:
    return EmulatorConfig(bulk_processing_delay=0.05)


@pytest.fixture(scope="session")
def salesforce_emulator_session() -> Iterator[Emulator]:
    """The session's running emulator; use ``salesforce_emulator`` in tests."""
    emulator = Emulator(_session_config()).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def salesforce_emulator(salesforce_emulator_session: Emulator) -> Iterator[Emulator]:
    """The running emulator, reset to a fresh state for this test."""
    emulator = salesforce_emulator_session
    defaults = _session_config()
    for setting in dataclasses.fields(defaults):
        if not setting.name.endswith("_port") and setting.name != "host":
            setattr(emulator.config, setting.name, getattr(defaults, setting.name))
    emulator.reset()
    yield emulator
