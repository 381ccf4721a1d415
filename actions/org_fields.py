"""What the editor knows of the org: the object's fields for the pickers, or why it knows nothing.

The editor works without the org too (not connected, needs reconnect, the
org not answering): field names are then typed freely, and checked when
events are sent. Describe answers come from the destination's cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from actions import catalog
from destinations.models import ConnectionState, Destination
from destinations.salesforce import describe
from destinations.salesforce.errors import SalesforceError


@dataclass(frozen=True)
class Choice:
    name: str
    label: str


@dataclass
class OrgFields:
    sobject: str
    # By API name, as describe gives them; None when the org's fields are not known.
    fields: dict[str, dict[str, Any]] | None = None
    # The whole describe answer (record types too), when known.
    described: dict[str, Any] | None = None
    # Objects a Custom Object action may write (createable), when known.
    objects: list[Choice] = field(default_factory=list)
    note: str = ""
    # The org answered and has no such object (a Custom Object action naming one that is not there).
    unknown_object: bool = False

    @property
    def known(self) -> bool:
        return self.fields is not None

    def choices(self, *flags: str) -> list[Choice]:
        """Fields that have any of ``flags`` (``createable``, ``updateable``, ``filterable``)."""
        return [
            Choice(name, _label(info))
            for name, info in sorted((self.fields or {}).items())
            if any(info.get(flag) for flag in flags)
        ]

    def unfilterable(self) -> list[str]:
        return sorted(name for name, info in (self.fields or {}).items() if not info.get("filterable"))


def for_editor(destination: Destination, kind: str, sobject: str) -> OrgFields:
    """The org's fields of the object the action writes, as far as they can be known now."""
    name = sobject if kind == "custom_object" else catalog.kind(kind).sobject
    found = OrgFields(name)
    if destination.state != ConnectionState.CONNECTED:
        found.note = (
            "The destination is not connected, so the org's fields are not known: type Salesforce API names "
            "(custom fields end in __c). They are checked against the org when events are sent."
        )
        return found
    try:
        if kind == "custom_object":
            found.objects = [
                Choice(str(o["name"]), str(o.get("label") or o["name"]))
                for o in describe.objects(destination)
                if o.get("createable")
            ]
        if not name:
            found.note = "Choose the Salesforce object to see its fields."
            return found
        found.described = describe.describe_object(destination, name)
        found.fields = {field["name"]: field for field in found.described.get("fields", [])}
        found.sobject = describe.object_name(destination, name)
    except describe.UnknownObject as exc:
        found.note = str(exc)
        found.unknown_object = True
    except SalesforceError as exc:
        found.note = f"Salesforce did not answer the describe request ({exc}); type field names by hand."
    return found


def _label(info: dict[str, Any]) -> str:
    label = str(info.get("label") or info.get("name"))
    kind = info.get("type", "")
    return f"{label} ({kind}{', custom' if str(info.get('name', '')).endswith('__c') else ''})"


# Which describe flags let an operation write a field.
WRITE_FLAGS = {"create": ("createable",), "update": ("updateable",), "upsert": ("createable", "updateable")}


def write_errors(settings: dict[str, Any], org: OrgFields) -> dict[str, list[str]]:
    """Fields the operation cannot write, by setting, when the org's fields are known.

    Sending would refuse them one delivery at a time; the editor says so at once.
    """
    flags = WRITE_FLAGS.get(str(settings.get("operation")))
    if org.fields is None or flags is None:
        return {}
    by_lower = {name.lower(): info for name, info in org.fields.items()}
    rows = [("fields", name) for name in settings.get("fields") or {}]
    rows += [("other_fields", str(row.get("field") or "")) for row in settings.get("other_fields") or []]
    errors: dict[str, list[str]] = {}
    for key, name in rows:
        info = by_lower.get(name.lower())
        if info is not None and not any(info.get(flag) for flag in flags):
            errors.setdefault(key, []).append(
                f"{name} cannot be written when you {settings['operation']} a {org.sobject}: "
                "Salesforce sets it. Leave it empty."
            )
    return errors
