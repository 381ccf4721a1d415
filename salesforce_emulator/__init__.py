"""A faithful local Salesforce for tests, benchmarks and the demo org.

Start it in-process with ``Emulator(EmulatorConfig()).start()``, from pytest
with the ``salesforce_emulator`` fixture (``salesforce_emulator.pytest_plugin``),
or as a process with ``python manage.py salesforce_emulator``.
"""

from salesforce_emulator.config import EmulatorConfig
from salesforce_emulator.emulator import Emulator

__all__ = ["Emulator", "EmulatorConfig"]
