"""The dashboard's tests use the engine's connected destination and emulated org."""

import pytest

from destinations.models import Destination
from tests.engine.conftest import destination, sf  # noqa: F401


@pytest.fixture
def target(team, source):
    """An enabled destination, not connected, taking the events of the workspace's source."""
    acme = Destination.objects.create(workspace=team.workspace, name="Acme", enabled=True)
    acme.sources.add(source.source)
    return acme
