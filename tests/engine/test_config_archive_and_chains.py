"""Configuration as code with archived actions, chains with a fallback, and texts that look like paths."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from actions import archiving
from actions.config_io import export_workspace, import_config
from actions.mapping.chains import chain
from actions.mapping.text import from_texts, to_texts
from actions.models import Action
from tests.engine.conftest import make_action, path


def _import(tmp_path, config):
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))
    out, err = StringIO(), StringIO()
    call_command("import_config", str(file), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_leaves_archived_actions_out_of_the_export(destination, team):
    make_action(destination, "lead", "create", name="Kept")
    archiving.archive(make_action(destination, "lead", "create", name="Gone"))

    config = export_workspace(team.workspace)

    assert [a["name"] for a in config["destinations"][0]["actions"]] == ["Kept"]


def test_an_import_never_touches_an_archived_action_of_the_same_name(destination, team, tmp_path):
    gone = make_action(destination, "lead", "create", name="Leads", trigger='type = "identify"')
    config = export_workspace(team.workspace)
    archiving.archive(gone)

    out, _ = _import(tmp_path, config)

    assert "created action Acme production / Leads" in out
    live = Action.live.get(destination=destination)
    assert live.pk != gone.pk and live.name == "Leads"
    assert Action.objects.get(pk=gone.pk).archived_at is not None


def test_a_chain_with_a_fallback_round_trips_through_export_import_and_the_editor(
    destination, team, tmp_path
):
    company = from_texts("$.traits.company | $.properties.company", "Unknown company")
    make_action(destination, "lead", "create", name="Leads", fields={"Company": company})
    config = export_workspace(team.workspace)
    Action.objects.all().delete()

    _import(tmp_path, config)

    saved = Action.live.get(destination=destination).fields["Company"]
    assert saved == chain(["$.traits.company", "$.properties.company"], "Unknown company")
    assert export_workspace(team.workspace) == config
    assert to_texts(saved) == ("$.traits.company | $.properties.company", "Unknown company")


def test_it_warns_of_a_text_that_looks_like_a_path_and_imports_it_as_written(destination, team, tmp_path):
    make_action(destination, "lead", "create", name="Leads", fields={"Email": path("traits.email")})
    config = export_workspace(team.workspace)
    config["destinations"][0]["actions"][0]["fields"]["Company"] = "$.traits.company"

    _, err = _import(tmp_path, config)

    assert "warning: destinations[0].actions[0].fields.Company:" in err
    assert '{"@path": "$.traits.company"}' in err
    assert Action.live.get().fields["Company"] == "$.traits.company"


def test_it_imports_a_literal_that_is_meant_without_a_warning(destination, team):
    make_action(destination, "lead", "create", name="Leads")
    config = export_workspace(team.workspace)
    config["destinations"][0]["actions"][0]["fields"]["Company"] = {"@literal": "$.traits.company"}

    assert import_config(config).warnings == []
