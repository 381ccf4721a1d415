"""pytest fixtures: one emulator per test session, reset before each test.

Enable with ``pytest_plugins = ["salesforce_emulator.pytest_plugin"]``.

``salesforce_emulator`` yields the running ``Emulator`` (free ports) with
fresh data, tokens, request log, faults and limits, and every knob back to
the session's starting configuration. The session starts with a 0.05 s
Bulk processing delay so Bulk tests stay quick; override the
``salesforce_emulator_session`` fixture to start from another configuration.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from salesforce_emulator import Emulator, EmulatorConfig


@pytest.fixture(scope="session")
def salesforce_emulator_session() -> Iterator[Emulator]:
    """The session's running emulator; tests use ``salesforce_emulator``."""
    emulator = Emulator(EmulatorConfig(bulk_processing_delay=0.05)).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def salesforce_emulator(salesforce_emulator_session: Emulator) -> Iterator[Emulator]:
    """The running emulator, reset to a fresh state for this test."""
    emulator = salesforce_emulator_session
    emulator.restore_config()
    emulator.reset()
    yield emulator
