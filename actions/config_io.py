"""Configuration as code: a workspace's sources, destinations and actions as JSON.

Export never contains a secret (no write key, no token). Import is
idempotent, matching everything by name, and all-or-nothing: every action is
validated first, and one transaction applies the whole file. Objects the file
does not name are left as they are. Archived (deleted) actions are not
configuration: export leaves them out and import never matches, changes or
restores one. The schema is documented in docs/config.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from actions import catalog, org_fields
from actions.mapping.lookalikes import literal_warnings
from actions.models import Action
from actions.validation import validate_action
from deliveries.budget_hold import release_if_room
from destinations import budget_values
from destinations.connect import settings_changed
from destinations.models import MAX_CONCURRENT_CALLS, Destination
from destinations.salesforce.domains import UntrustedUrl, trusted_origin
from sources.models import Source
from sources.provisioning import create_source
from workspaces.models import Workspace

VERSION = 1
ACTION_KEYS = (
    "kind",
    "enabled",
    "trigger",
    "operation",
    "sobject",
    "record_matchers",
    "matcher_operator",
    "fields",
    "other_fields",
    "use_bulk",
    "bulk_upsert_external_id",
    "bulk_update_record_id",
    "batch_size",
    "clear_fields_on_null",
)
DESTINATION_KEYS = (
    "enabled",
    "is_sandbox",
    "login_url",
    "api_budget_percent",
    "api_budget_calls",
    "concurrent_calls",
)
# Every key the file may hold at each level; anything else is refused by
# name, so that a misspelt setting never goes silently unapplied.
TOP_LEVEL_KEYS = ("version", "workspace", "sources", "destinations")
SOURCE_KEYS = ("name",)
DESTINATION_FILE_KEYS = ("name", *DESTINATION_KEYS, "sources", "actions")
ROW_KEYS = ("field", "mapping")


class InvalidConfig(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Write keys of sources the import created: shown once, never stored.
    new_keys: dict[str, str] = field(default_factory=dict)
    # Fixed texts that look like paths: imported as written, but rarely meant.
    warnings: list[str] = field(default_factory=list)


def export_workspace(workspace: Workspace) -> dict[str, Any]:
    destinations = []
    for destination in (
        Destination.objects.filter(workspace=workspace).prefetch_related("sources").order_by("name")
    ):
        destinations.append(
            {
                "name": destination.name,
                **{key: getattr(destination, key) for key in DESTINATION_KEYS},
                "sources": sorted(s.name for s in destination.sources.all()),
                "actions": [
                    {"name": a.name, **{key: getattr(a, key) for key in ACTION_KEYS}}
                    for a in Action.live.filter(destination=destination).order_by("created_at")
                ],
            }
        )
    return {
        "version": VERSION,
        "workspace": workspace.name,
        "sources": [{"name": s.name} for s in workspace.sources.order_by("name")],
        "destinations": destinations,
    }


# The org's fields of an action's object (by API name), or None when not known.
FieldsOf = Callable[[str, Mapping[str, Any]], dict[str, dict[str, Any]] | None]


def check(config: Any, fields_of: FieldsOf | None = None) -> list[str]:
    """Every problem of a configuration document, each with where it is.

    ``fields_of(destination name, action)`` gives the org's describe of the
    action's object when it is known, so that fields the org does not have
    (or cannot filter on, for a matcher) are refused as in the editor.
    """
    if not isinstance(config, Mapping):
        return ["The configuration must be a JSON object."]
    problems = _unknown_keys("", config, TOP_LEVEL_KEYS)
    if config.get("version") != VERSION:
        problems.append(f"version: must be {VERSION}.")
    if not str(config.get("workspace") or "").strip():
        problems.append("workspace: give the workspace name.")
    source_names = [s.get("name") if isinstance(s, Mapping) else None for s in config.get("sources") or []]
    for index, source in enumerate(config.get("sources") or []):
        problems += _unknown_keys(f"sources[{index}]", source, SOURCE_KEYS)
    for index, name in enumerate(source_names):
        if not isinstance(name, str) or not name.strip():
            problems.append(f"sources[{index}].name: give each source a name.")
    known_sources = {n for n in source_names if isinstance(n, str)}
    for d_index, destination in enumerate(config.get("destinations") or []):
        where = f"destinations[{d_index}]"
        if not isinstance(destination, Mapping) or not str(destination.get("name") or "").strip():
            problems.append(f"{where}.name: give each destination a name.")
            continue
        problems += _unknown_keys(where, destination, DESTINATION_FILE_KEYS)
        login_url = str(destination.get("login_url") or "").strip()
        if login_url:
            try:
                trusted_origin(login_url, settings.SALESFORCE_EXTRA_INSTANCE_HOSTS)
            except UntrustedUrl:
                problems.append(
                    f"{where}.login_url: give the org's Salesforce login address alone, over https, "
                    "such as https://acme.my.salesforce.com."
                )
        problems += _budget_problems(where, destination)
        problems += _concurrent_calls_problems(where, destination)
        for name in destination.get("sources") or []:
            if name not in known_sources:
                problems.append(f"{where}.sources: {name!r} is not among the file's sources.")
        for a_index, action in enumerate(destination.get("actions") or []):
            if not isinstance(action, Mapping):
                problems.append(f"{where}.actions[{a_index}]: must be an object.")
                continue
            problems += _unknown_action_keys(f"{where}.actions[{a_index}]", action)
            fields = fields_of(str(destination["name"]), action) if fields_of else None
            for key, messages in validate_action(_action_settings(action), fields).items():
                problems.extend(f"{where}.actions[{a_index}].{key}: {m}" for m in messages)
    return problems


def _budget_problems(where: str, destination: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, read in (
        ("api_budget_percent", budget_values.percent),
        ("api_budget_calls", budget_values.calls),
    ):
        if key in destination:
            try:
                read(destination[key])
            except budget_values.BadBudget as bad:
                problems.append(f"{where}.{key}: {bad}")
    return problems


def _unknown_keys(where: str, value: Any, allowed: tuple[str, ...]) -> list[str]:
    """One problem per key of ``value`` (if an object) that is not in ``allowed``."""
    if not isinstance(value, Mapping):
        return []
    prefix = f"{where}." if where else ""
    return [
        f"{prefix}{key}: unknown setting; expected one of {', '.join(allowed)}."
        for key in sorted(map(str, value))
        if key not in allowed
    ]


def _unknown_action_keys(where: str, action: Mapping[str, Any]) -> list[str]:
    problems = _unknown_keys(where, action, ("name", *ACTION_KEYS))
    for key in ("record_matchers", "other_fields"):
        rows = action.get(key)
        for index, row in enumerate(rows if isinstance(rows, list) else []):
            problems += _unknown_keys(f"{where}.{key}[{index}]", row, ROW_KEYS)
    problems += _unknown_keys(
        f"{where}.bulk_upsert_external_id", action.get("bulk_upsert_external_id"), ROW_KEYS
    )
    return problems


def import_config(config: Any) -> ImportReport:
    """Apply a configuration document; raises InvalidConfig and changes nothing on any problem."""
    problems = check(config, _org_fields_of(config))
    if problems:
        raise InvalidConfig(problems)
    report = ImportReport(warnings=warnings(config))
    with transaction.atomic():
        workspace, created = Workspace.objects.get_or_create(name=config["workspace"])
        _note(report, f"workspace {workspace.name}", created, False)
        sources = {}
        for spec in config.get("sources") or []:
            source = workspace.sources.filter(name=spec["name"]).first()
            if source is None:
                source, key = create_source(workspace, spec["name"])
                report.new_keys[source.name] = key
            _note(report, f"source {source.name}", source.name in report.new_keys, False)
            sources[source.name] = source
        for spec in config.get("destinations") or []:
            _import_destination(workspace, spec, sources, report)
    return report


def _org_fields_of(config: Any) -> FieldsOf | None:
    """The describe of each action's object, for destinations of the file already connected to an org.

    A destination the file creates, or one not connected, has no org yet:
    its field names are checked for their shape alone, and again at send time.
    """
    if not isinstance(config, Mapping):
        return None
    workspace = Workspace.objects.filter(name=config.get("workspace")).first()
    if workspace is None:
        return None
    destinations = {d.name: d for d in Destination.objects.filter(workspace=workspace)}

    def fields_of(destination_name: str, action: Mapping[str, Any]) -> dict[str, dict[str, Any]] | None:
        destination = destinations.get(destination_name)
        kind = action.get("kind")
        if destination is None or kind not in catalog.KINDS or not _reachable(destination):
            return None
        return org_fields.for_editor(destination, str(kind), str(action.get("sobject") or "")).fields

    return fields_of


def _reachable(destination: Destination) -> bool:
    """Whether this process may call the destination's org.

    A command run with other settings than the server's (a demo org's
    addresses are given to the server alone) must not reach a verdict about
    the connection: calling would mark the destination as needing to be
    reconnected. Its field names are then checked at send time.
    """
    try:
        trusted_origin(destination.instance_url, settings.SALESFORCE_EXTRA_INSTANCE_HOSTS)
    except UntrustedUrl:
        return False
    return True


def _concurrent_calls_problems(where: str, destination: Mapping[str, Any]) -> list[str]:
    if "concurrent_calls" not in destination:
        return []
    value = destination["concurrent_calls"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONCURRENT_CALLS:
        return [
            f"{where}.concurrent_calls: a whole number from 1 to {MAX_CONCURRENT_CALLS} "
            f"(Salesforce answers at most {MAX_CONCURRENT_CALLS} long-running requests of an org at once); "
            f"got {json.dumps(value)}."
        ]
    return []


def _import_destination(
    workspace: Workspace, spec: Mapping[str, Any], sources: Mapping[str, Source], report: ImportReport
) -> None:
    destination = Destination.objects.filter(workspace=workspace, name=spec["name"]).first()
    created = destination is None
    if destination is None:
        destination = Destination(workspace=workspace, name=spec["name"])
    was_sandbox, was_login_url = destination.is_sandbox, destination.login_url
    values = {k: spec[k] for k in DESTINATION_KEYS if k in spec}
    if values.get("login_url"):
        values["login_url"] = trusted_origin(values["login_url"], settings.SALESFORCE_EXTRA_INSTANCE_HOSTS)
    if "api_budget_percent" in values:
        values["api_budget_percent"] = budget_values.percent(values["api_budget_percent"])
    if "api_budget_calls" in values:
        values["api_budget_calls"] = budget_values.calls(values["api_budget_calls"])
    changed = _assign(destination, values)
    if created or changed:
        destination.save()
    if not created:
        # Where the org logs in changed: the same rule as the settings page.
        settings_changed(destination, was_sandbox=was_sandbox, was_login_url=was_login_url)
        # A raised API budget sends what waited for it now.
        release_if_room(destination)
    wanted = [sources[name] for name in spec.get("sources") or []]
    if {s.pk for s in destination.sources.all()} != {s.pk for s in wanted}:
        destination.sources.set(wanted)
        changed = True
    _note(report, f"destination {destination.name}", created, changed)
    for action_spec in spec.get("actions") or []:
        action = Action.live.filter(destination=destination, name=action_spec["name"]).first()
        action_created = action is None
        if action is None:
            action = Action(destination=destination, name=action_spec["name"])
        action_changed = _assign(action, _action_settings(action_spec))
        if action_created or action_changed:
            action.save()
        _note(report, f"action {destination.name} / {action.name}", action_created, action_changed)


def warnings(config: Mapping[str, Any]) -> list[str]:
    """Fixed texts in the file's mappings that look like paths or chains, each with where it is.

    In JSON a text is explicit, so these are imported as written; they are
    still almost always a path missing its @path.
    """
    found: list[str] = []
    for d_index, destination in enumerate(config.get("destinations") or []):
        for a_index, action in enumerate(destination.get("actions") or []):
            where = f"destinations[{d_index}].actions[{a_index}]"
            for key, mapping in _mappings(action):
                found.extend(
                    f"{where}.{'.'.join(str(p) for p in (key, *w.path))}: {w.message}"
                    for w in literal_warnings(mapping)
                )
    return found


def _mappings(action: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(where, mapping) for every mapping of an action's settings."""
    found: list[tuple[str, Any]] = [(f"fields.{name}", m) for name, m in (action.get("fields") or {}).items()]
    for key in ("record_matchers", "other_fields"):
        found += [(f"{key}[{i}].mapping", row.get("mapping")) for i, row in enumerate(action.get(key) or [])]
    external = action.get("bulk_upsert_external_id") or {}
    found += [("bulk_upsert_external_id.mapping", external.get("mapping"))]
    found += [("bulk_update_record_id", action.get("bulk_update_record_id"))]
    return [(where, mapping) for where, mapping in found if mapping is not None]


def _action_settings(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The action's settings, with the kind's defaults for what the file leaves out."""
    kind = spec.get("kind")
    defaults: dict[str, Any] = {
        "enabled": True,
        "trigger": catalog.KINDS[kind].default_trigger if kind in catalog.KINDS else "",
        "operation": "",
        "sobject": "",
        "record_matchers": [],
        "matcher_operator": "OR",
        "fields": catalog.KINDS[kind].default_fields() if kind in catalog.KINDS else {},
        "other_fields": [],
        "use_bulk": False,
        "bulk_upsert_external_id": None,
        "bulk_update_record_id": None,
        "batch_size": 1000,
        "clear_fields_on_null": False,
    }
    return {"name": spec.get("name"), **defaults, **{k: spec[k] for k in ACTION_KEYS if k in spec}}


def _assign(obj: Any, values: Mapping[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if key == "name":
            continue
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _note(report: ImportReport, label: str, created: bool, changed: bool) -> None:
    (report.created if created else report.updated if changed else report.unchanged).append(label)
