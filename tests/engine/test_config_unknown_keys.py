"""import_config refuses a key it does not know at any level, naming it and where it is."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from actions.config_io import export_workspace
from actions.models import Action
from destinations.models import Destination
from sources.models import Source
from tests.engine.conftest import make_action, path


def _with_action(config):
    config["destinations"][0]["actions"] = [
        {
            "name": "Leads",
            "kind": "lead",
            "operation": "upsert",
            "record_matchers": [{"field": "Email", "mapping": {"@path": "$.traits.email"}}],
            "other_fields": [{"field": "Plan__c", "mapping": {"@path": "$.traits.plan"}}],
            "bulk_upsert_external_id": {"field": "Email", "mapping": {"@path": "$.traits.email"}},
        }
    ]
    return config


def _top(c):
    c["worksapce"] = "typo"
    return "worksapce"


def _source(c):
    c["sources"][0]["write_key"] = "wk_mine"
    return "sources[0].write_key"


def _destination(c):
    c["destinations"][0]["enabeld"] = False
    return "destinations[0].enabeld"


def _action(c):
    c["destinations"][0]["actions"][0]["triger"] = 'type = "identify"'
    return "destinations[0].actions[0].triger"


def _matcher_row(c):
    c["destinations"][0]["actions"][0]["record_matchers"][0]["operator"] = "="
    return "destinations[0].actions[0].record_matchers[0].operator"


def _other_field_row(c):
    c["destinations"][0]["actions"][0]["other_fields"][0]["default"] = "x"
    return "destinations[0].actions[0].other_fields[0].default"


def _external_id(c):
    c["destinations"][0]["actions"][0]["bulk_upsert_external_id"]["fiel"] = "Email"
    return "destinations[0].actions[0].bulk_upsert_external_id.fiel"


@pytest.mark.parametrize(
    "misspell", [_top, _source, _destination, _action, _matcher_row, _other_field_row, _external_id]
)
def test_it_refuses_an_unknown_key_naming_its_path_and_changes_nothing(destination, team, tmp_path, misspell):
    config = _with_action(export_workspace(team.workspace))
    config["destinations"][0]["name"] = "Renamed"
    where = misspell(config)
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))

    with pytest.raises(CommandError) as refused:
        call_command("import_config", str(file))

    assert f"{where}: unknown setting" in str(refused.value)
    assert str(refused.value).count("unknown setting") == 1
    assert not Destination.objects.filter(name="Renamed").exists()
    assert not Action.objects.exists()


def test_it_still_imports_a_file_with_only_known_keys(destination, team, tmp_path):
    make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    file = tmp_path / "config.json"
    file.write_text(json.dumps(export_workspace(team.workspace)))

    call_command("import_config", str(file))

    assert Source.objects.count() == 1
    assert Action.objects.count() == 1
