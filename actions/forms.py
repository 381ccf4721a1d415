"""The action editor's form: what the browser posts, read into an action's settings.

The editor's rows (matchers, Other Fields) are lists of inputs sharing a
name, so there is no Django form class: ``read`` turns the POST into the
settings ``validate_action`` checks, keeping every text as typed so a form
with errors comes back as the user left it. Mapping values are texts in the
form of ``actions.mapping.text``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from actions import catalog
from actions.mapping.text import MappingTextError, from_texts, to_text, to_texts
from actions.models import Action
from actions.validation import MATCHED_OPERATIONS, OPERATIONS, Errors

BULK_OPERATIONS = ("update", "upsert")


@dataclass
class Row:
    """One (Salesforce field, mapping text) row of the editor, with the field's default text."""

    field: str
    text: str
    default: str = ""
    # What is wrong with this row's texts, shown beside it.
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not (self.field or self.text.strip() or self.default.strip())


@dataclass
class EditorForm:
    """Everything the editor shows: the settings as texts, and the errors per setting."""

    kind: str
    name: str = ""
    enabled: bool = True
    trigger: str = ""
    operation: str = ""
    sobject: str = ""
    matcher_operator: str = "OR"
    matchers: list[Row] = field(default_factory=list)
    # The kind's standard fields, in the catalog's order, as (name, text).
    fields: list[Row] = field(default_factory=list)
    other_fields: list[Row] = field(default_factory=list)
    use_bulk: bool = False
    bulk_external: Row = field(default_factory=lambda: Row("", ""))
    bulk_record_id: str = ""
    batch_size: str = "1000"
    clear_fields_on_null: bool = False
    errors: Errors = field(default_factory=dict)

    def shows(self, setting: str) -> bool:
        """Whether a setting is shown for the chosen operation (the action catalog's table)."""
        return shown(setting, self.operation, self.use_bulk)

    @property
    def visible(self) -> dict[str, bool]:
        """``shows`` for every optional setting, for templates."""
        return {key: self.shows(key) for key in OPTIONAL_SETTINGS}

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


OPTIONAL_SETTINGS = (
    "record_matchers",
    "fields",
    "use_bulk",
    "bulk_upsert_external_id",
    "bulk_update_record_id",
    "batch_size",
)
# How the page names "no operation chosen yet" in its visibility rules.
NO_OPERATION = "none"


def visibility_rules() -> dict[str, str]:
    """For each optional setting, the operations that show it, without and with Bulk on.

    Written as ``"create update upsert/update upsert"`` for a ``data-`` attribute:
    the page shows and hides settings as the operation changes with the very
    rule of ``shown``, without asking the server, so nothing typed meanwhile
    can be lost.
    """
    choices = ("", *OPERATIONS)
    rules = {}
    for setting in OPTIONAL_SETTINGS:
        plain = [op or NO_OPERATION for op in choices if shown(setting, op, False)]
        bulk = [op or NO_OPERATION for op in choices if shown(setting, op, True)]
        rules[setting] = f"{' '.join(plain)}/{' '.join(bulk)}"
    return rules


def shown(setting: str, operation: str, use_bulk: bool) -> bool:
    """When each optional setting appears, from the action catalog."""
    bulk = use_bulk and operation in BULK_OPERATIONS
    rules = {
        "record_matchers": operation in MATCHED_OPERATIONS,
        "fields": operation != "delete",
        "use_bulk": operation in BULK_OPERATIONS,
        "bulk_upsert_external_id": bulk and operation == "upsert",
        "bulk_update_record_id": bulk and operation == "update",
        "batch_size": bulk,
    }
    return rules.get(setting, True)


def from_action(action: Action) -> EditorForm:
    """The editor showing a saved (or new, defaulted) action."""
    spec = catalog.kind(action.kind)
    external = action.bulk_upsert_external_id or {}
    return EditorForm(
        kind=action.kind,
        name=action.name,
        enabled=action.enabled,
        trigger=action.trigger,
        operation=action.operation,
        sobject=action.sobject,
        matcher_operator=action.matcher_operator,
        matchers=[Row(r.get("field", ""), to_text(r.get("mapping"))) for r in action.record_matchers],
        fields=[Row(name, *to_texts(action.fields.get(name))) for name in spec.fields],
        other_fields=[Row(r.get("field", ""), *to_texts(r.get("mapping"))) for r in action.other_fields],
        use_bulk=action.use_bulk,
        bulk_external=Row(str(external.get("field") or ""), to_text(external.get("mapping"))),
        bulk_record_id=to_text(action.bulk_update_record_id),
        batch_size=str(action.batch_size),
        clear_fields_on_null=action.clear_fields_on_null,
    )


def read(post: QueryDict, kind: str) -> EditorForm:
    """The editor as posted; texts that are not valid JSON are errors of their setting."""
    spec = catalog.kind(kind)
    operation = post.get("operation", "")
    form = EditorForm(
        kind=kind,
        name=post.get("name", ""),
        enabled=post.get("enabled") == "on",
        trigger=post.get("trigger", ""),
        operation=operation,
        sobject=post.get("sobject", "").strip(),
        matcher_operator=post.get("matcher_operator", "OR"),
        matchers=_rows(post, "matcher"),
        fields=[
            Row(name, post.get(f"field__{name}", ""), post.get(f"default__{name}", ""))
            for name in spec.fields
        ],
        other_fields=_rows(post, "other"),
        # The Bulk API only updates and upserts: a box left ticked under another operation means nothing.
        use_bulk=post.get("use_bulk") == "on" and operation in BULK_OPERATIONS,
        bulk_external=Row(post.get("bulk_external_field", "").strip(), post.get("bulk_external_value", "")),
        bulk_record_id=post.get("bulk_record_id", ""),
        batch_size=post.get("batch_size", "1000").strip(),
        clear_fields_on_null=post.get("clear_fields_on_null") == "on",
    )
    return form


def _rows(post: QueryDict, prefix: str) -> list[Row]:
    names, texts = post.getlist(f"{prefix}_field"), post.getlist(f"{prefix}_value")
    defaults = post.getlist(f"{prefix}_default")
    defaults += [""] * (len(names) - len(defaults))
    rows = [
        Row(name.strip(), text, default) for name, text, default in zip(names, texts, defaults, strict=False)
    ]
    # An empty row offered to type in is not a setting.
    return [row for row in rows if not row.blank]


def settings_of(form: EditorForm) -> dict[str, Any]:
    """The action settings the form stands for; unreadable texts become errors on ``form``."""

    def mapping(key: str, label: str, text: str, default: str = "", row: Row | None = None) -> Any:
        try:
            return from_texts(text, default)
        except MappingTextError as exc:
            message = f"{label} {exc}"
            if row is None:
                form.error(key, message)
            else:
                # Shown beside the row; kept under its own key so that nothing is saved.
                row.errors.append(message)
                form.error(f"{key}:{label}", message)
            return None

    fields = {}
    for row in form.fields:
        value = mapping("fields", row.field, row.text, row.default, row)
        if value is not None:
            fields[row.field] = value
    external = None
    if form.bulk_external.field or form.bulk_external.text.strip():
        external = {
            "field": form.bulk_external.field,
            "mapping": mapping("bulk_upsert_external_id", "The external id value", form.bulk_external.text),
        }
    return {
        "name": form.name.strip(),
        "kind": form.kind,
        "enabled": form.enabled,
        "trigger": form.trigger.strip(),
        "operation": form.operation,
        "sobject": form.sobject if form.kind == "custom_object" else "",
        "record_matchers": [
            {
                "field": r.field,
                "mapping": mapping("record_matchers", f"Record matcher {r.field}", r.text, row=r),
            }
            for r in form.matchers
        ],
        "matcher_operator": form.matcher_operator,
        "fields": fields,
        "other_fields": [
            {
                "field": r.field,
                "mapping": mapping("other_fields", r.field or "Other field", r.text, r.default, r),
            }
            for r in form.other_fields
        ],
        "use_bulk": form.use_bulk,
        "bulk_upsert_external_id": external,
        "bulk_update_record_id": mapping("bulk_update_record_id", "The record Id", form.bulk_record_id),
        "batch_size": _whole_number(form.batch_size),
        "clear_fields_on_null": form.clear_fields_on_null,
    }


def _whole_number(text: str) -> int | str:
    # Not a number stays text, so that validation names the setting.
    return int(text) if text.isdigit() else text


def apply(action: Action, settings: Mapping[str, Any]) -> None:
    """Copy validated settings onto the action (the kind never changes)."""
    for key, value in settings.items():
        if key != "kind":
            setattr(action, key, value)
