"""A destination's concurrent calls go through export and import, and a bad value is refused with nothing changed."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from actions.config_io import export_workspace
from destinations.models import Destination


def _write(tmp_path, config) -> str:
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))
    return str(file)


def test_concurrent_calls_go_through_export_and_import(team, destination, tmp_path):
    Destination.objects.filter(pk=destination.pk).update(concurrent_calls=3)
    config = export_workspace(team.workspace)
    assert config["destinations"][0]["concurrent_calls"] == 3

    config["destinations"][0]["concurrent_calls"] = 20
    call_command("import_config", _write(tmp_path, config))

    destination.refresh_from_db()
    assert destination.concurrent_calls == 20


@pytest.mark.parametrize("value", [0, 26, -1, 2.5, "8", True, None, 10**30])
def test_a_concurrent_calls_value_salesforce_would_not_bear_is_refused_naming_it(
    team, destination, tmp_path, value
):
    config = export_workspace(team.workspace)
    config["destinations"][0]["concurrent_calls"] = value
    config["destinations"][0]["enabled"] = not destination.enabled

    with pytest.raises(CommandError) as refused:
        call_command("import_config", _write(tmp_path, config))

    assert "destinations[0].concurrent_calls: a whole number from 1 to 25" in str(refused.value)
    assert f"got {json.dumps(value)}" in str(refused.value)
    unchanged = Destination.objects.get(pk=destination.pk)
    assert (unchanged.concurrent_calls, unchanged.enabled) == (8, destination.enabled)
