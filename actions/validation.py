"""Checking an action's settings before it is saved (no Django).

Every message is for a marketer: it names the setting and says what to do.
Errors come back per setting, so the editor can show each beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actions.catalog import KINDS
from actions.field_names import name_problem
from actions.mapping import validate as validate_mapping
from actions.triggers import TriggerSyntaxError, parse

OPERATIONS = ("create", "update", "upsert", "delete")
MATCHED_OPERATIONS = ("update", "upsert", "delete")
MAX_BATCH_SIZE = 10_000

Errors = dict[str, list[str]]


def validate_action(
    settings: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]] | None = None
) -> Errors:
    """Errors per setting (empty when the action can be saved).

    ``fields`` is the org's describe of the action's object (by field name)
    when known: it lets matchers on fields Salesforce cannot filter on, and
    fields the object does not have, be refused before anything is sent.
    """
    errors: Errors = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not str(settings.get("name") or "").strip():
        add("name", "Give the action a name.")
    kind = settings.get("kind")
    if kind not in KINDS:
        add(
            "kind",
            f"Choose one of the action kinds: {', '.join(spec.title for spec in KINDS.values())}{_got(kind)}.",
        )
    if kind == "custom_object" and not str(settings.get("sobject") or "").strip():
        add("sobject", "Choose the Salesforce object this action writes.")
    _check_trigger(settings.get("trigger") or "", add)
    operation = settings.get("operation") or ""
    if (problem := operation_problem(operation)) is not None:
        add("operation", problem)
    by_name = {name.lower(): info for name, info in (fields or {}).items()}
    if operation in MATCHED_OPERATIONS:
        _check_matchers(settings, by_name, fields is not None, add)
    if operation != "delete":
        _check_fields(settings, by_name, fields is not None, operation, add)
    _check_switches(settings, add)
    _check_bulk(settings, operation, add)
    if fields is not None and settings.get("use_bulk") and operation == "upsert":
        _check_external_id(settings.get("bulk_upsert_external_id") or {}, by_name, add)
    return errors


def _check_external_id(external: Mapping[str, Any], by_name: Mapping[str, Any], add: Any) -> None:
    name = str(external.get("field") or "").strip()
    if not name or name_problem(name) is not None:
        return  # reported with the other Bulk settings
    info = by_name.get(name.lower())
    if info is None:
        add("bulk_upsert_external_id", f"{name} is not a field of this object in your org.")
    elif not (info.get("externalId") or info.get("idLookup")):
        add(
            "bulk_upsert_external_id",
            f"{name} cannot key a Bulk upsert: it is not marked External ID in your org.",
        )


SWITCHES = {
    "enabled": "Enabled",
    "use_bulk": "Use the Bulk API",
    "clear_fields_on_null": "Clear fields on null",
}


def _check_switches(settings: Mapping[str, Any], add: Any) -> None:
    for key, label in SWITCHES.items():
        value = settings.get(key, False)
        if not isinstance(value, bool):
            add(key, f"{label} is true or false{_got(value)}.")


def operation_problem(operation: Any) -> str | None:
    """Why ``operation`` is not one (shared by the editor, import_config and the sender)."""
    if operation in OPERATIONS:
        return None
    return f"Choose an operation: create, update, upsert or delete{_got(operation)}."


def operator_problem(operator: Any) -> str | None:
    """Why ``operator`` cannot combine record matchers (shared as ``operation_problem``)."""
    if operator in ("OR", "AND"):
        return None
    return f"The record matchers operator is OR or AND{_got(operator)}."


def _check_trigger(text: str, add: Any) -> None:
    if not text.strip():
        return  # no trigger: the action takes no event until one is written
    try:
        parse(text)
    except TriggerSyntaxError as exc:
        add("trigger", str(exc))


def _check_matchers(settings: Mapping[str, Any], by_name: Mapping[str, Any], known: bool, add: Any) -> None:
    matchers = settings.get("record_matchers") or []
    if not matchers:
        add("record_matchers", "Add at least one record matcher: the Salesforce field that finds the record.")
    if (problem := operator_problem(settings.get("matcher_operator", "OR"))) is not None:
        add("matcher_operator", problem)
    for position, row in enumerate(matchers, start=1):
        name = str(row.get("field") or "").strip()
        if not name:
            add("record_matchers", f"Record matcher {position} needs a Salesforce field.")
            continue
        _check_mapping("record_matchers", f"Record matcher {name}", row.get("mapping"), add)
        if _check_name("record_matchers", f"Record matcher {position}", name, add):
            continue
        info = by_name.get(name.lower())
        if not known:
            continue
        if info is None:
            add("record_matchers", f"{name} is not a field of this object in your org.")
        elif not info.get("filterable"):
            add(
                "record_matchers",
                f"{name} cannot be a record matcher: Salesforce cannot filter on it "
                f"({_type_hint(info)}). Choose a field with the Filter property.",
            )


def _check_fields(
    settings: Mapping[str, Any], by_name: Mapping[str, Any], known: bool, operation: str, add: Any
) -> None:
    rows = [(name, mapping, "fields") for name, mapping in (settings.get("fields") or {}).items()]
    for position, row in enumerate(settings.get("other_fields") or [], start=1):
        name = str(row.get("field") or "").strip()
        if not name:
            add("other_fields", f"Other field {position} needs a Salesforce field name.")
            continue
        rows.append((name, row.get("mapping"), "other_fields"))
    for name, mapping, key in rows:
        _check_mapping(key, name, mapping, add)
        if _check_name(key, "Field" if key == "fields" else "Other field", name, add):
            continue
        if known and key == "other_fields" and name.lower() not in by_name:
            hint = "" if name.endswith("__c") or name.lower() in by_name else " Custom fields end in __c."
            add(key, f"{name} is not a field of this object in your org.{hint}")


def _check_mapping(key: str, label: str, mapping: Any, add: Any) -> None:
    for error in validate_mapping(mapping):
        where = ".".join(str(part) for part in error.path)
        add(key, f"{label}{' (' + where + ')' if where else ''}: {error.message}")


def _check_bulk(settings: Mapping[str, Any], operation: str, add: Any) -> None:
    batch_size = settings.get("batch_size", 1000)
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or not 1 <= batch_size <= MAX_BATCH_SIZE
    ):
        add("batch_size", f"Batch size is a whole number from 1 to {MAX_BATCH_SIZE:,}{_got(batch_size)}.")
    if not settings.get("use_bulk"):
        return
    if operation not in ("update", "upsert"):
        add(
            "use_bulk",
            f"The Salesforce Bulk API can only update or upsert; the operation is {_given(operation)}.",
        )
    if operation == "upsert":
        external = settings.get("bulk_upsert_external_id") or {}
        if not str(external.get("field") or "").strip() or external.get("mapping") is None:
            add(
                "bulk_upsert_external_id",
                "Bulk upsert needs the external id field and where its value comes from.",
            )
        else:
            _check_name(
                "bulk_upsert_external_id", "The external id field", str(external["field"]).strip(), add
            )
            _check_mapping("bulk_upsert_external_id", str(external["field"]), external["mapping"], add)
    if operation == "update":
        if settings.get("bulk_update_record_id") is None:
            add("bulk_update_record_id", "Bulk update needs where the record Id comes from.")
        else:
            _check_mapping(
                "bulk_update_record_id", "Bulk update record Id", settings["bulk_update_record_id"], add
            )


def _check_name(key: str, label: str, name: str, add: Any) -> bool:
    """Refuse a field name no Salesforce org can have; True when refused."""
    problem = name_problem(name)
    if problem is not None:
        add(key, f"{label}: {problem}")
    return problem is not None


def _got(value: Any) -> str:
    """The value a setting was given, as a refusal ends: '; got "NOR"' (nothing when none was given)."""
    return "" if value is None or value == "" else f"; got {_given(value)}"


def _given(value: Any) -> str:
    """A value as a refusal names it: "NOR", 0, true, a list."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:60] + "…"
        return f'"{shown}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "a list" if isinstance(value, list | tuple) else "an object"


def _type_hint(info: Mapping[str, Any]) -> str:
    kind = info.get("type")
    if kind == "textarea":
        return "it is a long text area"
    if kind in ("base64", "encryptedstring", "address", "location"):
        return f"it is a field of type {kind}"
    return "its field properties say it is not filterable"
