"""data_out, export_config and import_config."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actions.config_io import export_workspace
from actions.mapping.validation import MAX_DIRECTIVE_DEPTH
from actions.models import Action
from destinations.models import Destination
from sources.models import Source
from tests.engine.conftest import deliver, identify, make_action, path, send


def _run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_it_prints_data_out_as_json_lines(sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, identify("u1", last_name="L", company="C", email="l@x.io"), identify("u2", last_name="M"))
    deliver(action)

    lines = [json.loads(line) for line in _run("data_out", "--json", "--attempts").splitlines()]

    assert [(row["user_id"], row["status"]) for row in lines] == [("u2", "failed"), ("u1", "delivered")]
    assert lines[1]["email"] == "l@x.io"
    assert lines[1]["attempt_log"][0]["requests"][0]["method"] == "POST"
    failed = [json.loads(line) for line in _run("data_out", "--json", "--status", "failed").splitlines()]
    assert [row["user_id"] for row in failed] == ["u2"]
    assert _run("data_out", "--json", "--destination", "nope") == ""


def test_it_prints_no_salesforce_status_for_a_refusal_made_before_sending(sf, destination, source):
    sf.org.add_validation_rule(
        "Lead", "No test leads.", condition={"field": "Email", "op": "ends_with", "value": "@test.example"}
    )
    action = make_action(destination, "lead", "create")
    send(
        source,
        identify("ours", last_name="L"),
        identify("theirs", last_name="M", company="C", email="m@test.example"),
    )
    deliver(action)

    rows = {
        row["user_id"]: row for row in map(json.loads, _run("data_out", "--json", "--attempts").splitlines())
    }

    ours, theirs = rows["ours"], rows["theirs"]
    assert (ours["salesforce_status"], ours["refused_before_sending"]) == (None, True)
    assert (ours["error_code"], ours["error_message"]) == (
        "REQUIRED_FIELD_MISSING",
        "Required fields are missing: [Company]",
    )
    assert ours["attempt_log"][0]["requests"] == []
    assert (theirs["salesforce_status"], theirs["refused_before_sending"]) == (400, False)
    assert theirs["error_code"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"


def test_it_exports_a_workspace_without_secrets(destination, team):
    make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])

    text = _run("export_config", "--workspace", team.workspace.name)

    config = json.loads(text)
    assert config["destinations"][0]["actions"][0]["record_matchers"][0]["field"] == "Email"
    assert config["destinations"][0]["sources"] == ["website"]
    for secret in (destination.access_token, destination.refresh_token):
        assert secret not in text
    assert Source.objects.get().key_hash not in text


def test_it_imports_idempotently(destination, team, tmp_path):
    make_action(destination, "lead", "upsert", matchers=[("Email", path("traits.email"))])
    config = export_workspace(team.workspace)
    config["destinations"][0]["actions"][0]["trigger"] = 'type = "identify" and traits.plan = "pro"'
    config["destinations"].append(
        {
            "name": "Sandbox",
            "is_sandbox": True,
            "sources": ["website"],
            "actions": [
                {"name": "Cases", "kind": "case", "operation": "create", "trigger": 'event = "Help"'}
            ],
        }
    )
    file = tmp_path / "acme.json"
    file.write_text(json.dumps(config))

    first = _run("import_config", str(file))
    second = _run("import_config", str(file))

    assert "updated action Acme production / Lead upsert" in first
    assert "created destination Sandbox" in first
    assert "created" not in second and "updated" not in second
    assert Action.objects.get(name="Lead upsert").trigger == 'type = "identify" and traits.plan = "pro"'
    assert Destination.objects.get(name="Sandbox").actions.get().kind == "case"


def test_it_imports_nothing_when_anything_is_invalid(destination, team, tmp_path):
    config = export_workspace(team.workspace)
    config["sources"].append({"name": "app"})
    config["destinations"][0]["actions"] = [
        {"name": "Good", "kind": "lead", "operation": "create"},
        {"name": "Bad", "kind": "lead", "operation": "upsert", "trigger": "type = "},
    ]
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(config))

    with pytest.raises(CommandError) as refused:
        _run("import_config", str(file))

    assert "destinations[0].actions[1].trigger" in str(refused.value)
    assert "destinations[0].actions[1].record_matchers" in str(refused.value)
    assert not Action.objects.exists()
    assert not Source.objects.filter(name="app").exists()


def test_it_asks_to_reconnect_when_an_import_moves_a_connected_destination_to_a_sandbox(
    destination, team, tmp_path
):
    config = export_workspace(team.workspace)
    config["destinations"][0]["is_sandbox"] = True
    file = tmp_path / "acme.json"
    file.write_text(json.dumps(config))

    _run("import_config", str(file))

    destination.refresh_from_db()
    assert destination.state == "needs_reconnect"
    assert "Is Sandbox was turned on" in destination.state_reason


def test_it_refuses_an_imported_login_url_outside_salesforce(destination, team, tmp_path):
    config = export_workspace(team.workspace)
    config["destinations"][0]["login_url"] = "https://login.evil.example"
    file = tmp_path / "acme.json"
    file.write_text(json.dumps(config))

    with pytest.raises(CommandError, match="login_url"):
        _run("import_config", str(file))

    destination.refresh_from_db()
    assert destination.login_url == ""


def test_it_refuses_a_file_nested_past_what_can_be_read(team, tmp_path):
    file = tmp_path / "deep.json"
    file.write_text("[" * 100_000)

    with pytest.raises(CommandError) as refused:
        _run("import_config", str(file))

    assert "nested too deeply" in str(refused.value)


def test_it_refuses_directives_nested_past_the_limit(destination, team, tmp_path):
    config = export_workspace(team.workspace)
    deep: object = {"@path": "$.traits.company"}
    for _ in range(MAX_DIRECTIVE_DEPTH):
        deep = {"@case": {"operator": "upper", "value": deep}}
    config["destinations"][0]["actions"] = [
        {"name": "Deep", "kind": "lead", "operation": "create", "fields": {"Company": deep}}
    ]
    file = tmp_path / "deep.json"
    file.write_text(json.dumps(config))

    with pytest.raises(CommandError) as refused:
        _run("import_config", str(file))

    assert f"Directives are nested more than {MAX_DIRECTIVE_DEPTH} deep" in str(refused.value)
    assert not Action.objects.filter(name="Deep").exists()
