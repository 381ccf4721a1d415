"""The dashboard's tests use the engine's connected destination and emulated org."""

from tests.engine.conftest import destination, sf  # noqa: F401
