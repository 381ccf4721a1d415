"""The API budget on the destination's settings form and in the configuration file."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.config_io import export_workspace
from destinations.models import Destination


@pytest.fixture
def destination(team):
    return Destination.objects.create(workspace=team.workspace, name="Prod")


def _save(team, destination, **fields):
    url = reverse(
        "destinations:settings",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return team.client_for("member").post(url, {"name": destination.name, **fields})


def test_it_starts_at_half_the_org_limit(destination):
    assert (destination.api_budget_percent, destination.api_budget_calls) == (50, None)


def test_it_saves_a_share_and_a_fixed_number(team, destination):
    _save(team, destination, api_budget_percent="20", api_budget_calls="5000")

    destination.refresh_from_db()
    assert (destination.api_budget_percent, destination.api_budget_calls) == (20, 5000)


def test_an_empty_number_of_calls_goes_back_to_the_share(team, destination):
    destination.api_budget_calls = 300
    destination.save()

    _save(team, destination, api_budget_percent="30", api_budget_calls="")

    destination.refresh_from_db()
    assert (destination.api_budget_percent, destination.api_budget_calls) == (30, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"api_budget_percent": "150"},
            "The API budget share must be from 1 to 100 %; &#x27;150&#x27; was given.",
        ),
        ({"api_budget_percent": "0"}, "from 1 to 100 %; &#x27;0&#x27; was given."),
        ({"api_budget_percent": "half"}, "must be a whole number; &#x27;half&#x27; was given."),
        (
            {"api_budget_calls": "-5"},
            "must be from 1 to 100,000,000 (or empty for a share of the org&#x27;s limit); &#x27;-5&#x27; was given.",
        ),
        ({"api_budget_calls": "0"}, "calls per 24 hours must be from 1 to"),
    ],
)
def test_it_refuses_a_bad_budget_naming_it_and_changes_nothing(team, destination, fields, message):
    response = _save(team, destination, **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    destination.refresh_from_db()
    assert (destination.api_budget_percent, destination.api_budget_calls) == (50, None)


def test_the_budget_goes_through_export_and_import(team, destination, tmp_path):
    destination.api_budget_percent, destination.api_budget_calls = 25, 900
    destination.save()
    config = export_workspace(team.workspace)
    assert config["destinations"][0]["api_budget_percent"] == 25
    assert config["destinations"][0]["api_budget_calls"] == 900
    config["destinations"][0]["api_budget_calls"] = None
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))

    call_command("import_config", str(file))

    destination.refresh_from_db()
    assert (destination.api_budget_percent, destination.api_budget_calls) == (25, None)


@pytest.mark.parametrize(("key", "value"), [("api_budget_percent", 101), ("api_budget_calls", True)])
def test_import_refuses_a_bad_budget_naming_it_and_changes_nothing(team, destination, tmp_path, key, value):
    config = export_workspace(team.workspace)
    config["destinations"][0][key] = value
    config["destinations"][0]["enabled"] = True
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))

    with pytest.raises(CommandError) as refused:
        call_command("import_config", str(file))

    assert f"destinations[0].{key}: " in str(refused.value)
    assert f"{value!r} was given" in str(refused.value)
    destination.refresh_from_db()
    assert (destination.enabled, destination.api_budget_percent, destination.api_budget_calls) == (
        False,
        50,
        None,
    )
