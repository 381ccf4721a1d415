"""import_config refuses what the editor refuses, with the same messages, naming the value given.

Field names are checked for their shape always, and against the org's
describe when the file's destination is already connected to it.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from actions.config_io import export_workspace
from actions.models import Action
from destinations.models import ConnectionState
from destinations.salesforce import describe


def _lead(**changed):
    return {
        "name": "Leads",
        "kind": "lead",
        "operation": "upsert",
        "record_matchers": [{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
        **changed,
    }


def _import(team, tmp_path, action, destination_name=None):
    config = export_workspace(team.workspace)
    if destination_name:
        config["destinations"].append({"name": destination_name, "actions": [action]})
    else:
        config["destinations"][0]["actions"] = [action]
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))
    call_command("import_config", str(file))


def _refused(team, tmp_path, action, destination_name=None) -> str:
    with pytest.raises(CommandError) as refused:
        _import(team, tmp_path, action, destination_name)
    assert not Action.objects.exists()
    return str(refused.value)


def test_it_names_the_operator_the_file_gives(destination, team, tmp_path):
    problems = _refused(team, tmp_path, _lead(matcher_operator="NOR"))

    assert (
        'destinations[0].actions[0].matcher_operator: The record matchers operator is OR or AND; got "NOR".'
        in (problems)
    )


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (
            {"operation": "merge"},
            'operation: Choose an operation: create, update, upsert or delete; got "merge".',
        ),
        ({"batch_size": 20000}, "batch_size: Batch size is a whole number from 1 to 10,000; got 20000."),
        ({"enabled": "no"}, 'enabled: Enabled is true or false; got "no".'),
    ],
)
def test_it_names_the_value_of_each_refused_setting(destination, team, tmp_path, changed, message):
    assert f"destinations[0].actions[0].{message}" in _refused(team, tmp_path, _lead(**changed))


def test_it_refuses_a_matcher_name_no_org_can_have_even_for_a_new_destination(destination, team, tmp_path):
    action = _lead(record_matchers=[{"field": "Email; DROP", "mapping": {"@path": "$.traits.email"}}])

    problems = _refused(team, tmp_path, action, destination_name="Not connected yet")

    assert (
        'destinations[1].actions[0].record_matchers: Record matcher 1: "Email; DROP" is not a Salesforce field name'
    ) in problems


def test_it_checks_field_names_against_the_connected_orgs_describe(destination, team, tmp_path):
    action = _lead(
        record_matchers=[{"field": "Emial", "mapping": {"@path": "$.traits.email"}}],
        other_fields=[{"field": "Plan_Typo__c", "mapping": "Gold"}],
    )

    problems = _refused(team, tmp_path, action)

    assert (
        "destinations[0].actions[0].record_matchers: Emial is not a field of this object in your org."
        in problems
    )
    assert (
        "destinations[0].actions[0].other_fields: Plan_Typo__c is not a field of this object in your org."
        in (problems)
    )


def test_it_refuses_a_matcher_the_connected_org_cannot_filter_on(destination, team, tmp_path):
    action = _lead(record_matchers=[{"field": "Description", "mapping": {"@path": "$.traits.d"}}])

    assert "Description cannot be a record matcher" in _refused(team, tmp_path, action)


def test_it_imports_a_name_it_cannot_check_when_the_destination_has_no_org_yet(destination, team, tmp_path):
    action = _lead(record_matchers=[{"field": "Emial", "mapping": {"@path": "$.traits.email"}}])

    _import(team, tmp_path, action, destination_name="Not connected yet")

    assert Action.objects.get().record_matchers[0]["field"] == "Emial"


def test_it_leaves_the_connection_alone_when_this_process_may_not_reach_the_org(
    destination, team, tmp_path, settings
):
    # A command run without the server's settings (a demo org's addresses
    # are given to the server alone): no verdict on the connection.
    describe.forget(destination)
    settings.SALESFORCE_EXTRA_INSTANCE_HOSTS = []
    action = _lead(record_matchers=[{"field": "Emial", "mapping": {"@path": "$.traits.email"}}])

    _import(team, tmp_path, action)

    destination.refresh_from_db()
    assert destination.state == ConnectionState.CONNECTED
    assert Action.objects.get().record_matchers[0]["field"] == "Emial"
