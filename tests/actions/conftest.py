import pytest

from destinations.models import Destination


@pytest.fixture
def destination(team):
    return Destination.objects.create(workspace=team.workspace, name="Prod")
