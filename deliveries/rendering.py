"""From an event to the values one delivery sends (no Django, no I/O).

Everything that can be known before calling Salesforce is checked here, so
that a bad delivery fails alone, with a message naming the field, and sends
nothing: unknown fields, fields the operation cannot write, values that do
not convert to the field's type, missing record-matcher values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from actions.mapping import MISSING, evaluate
from actions.mapping.budget import MappingTooLarge
from actions.mapping.evaluation import FieldTooLarge, compile_fields
from deliveries.configuration import configuration_problem
from deliveries.planner import Item, Matcher, Spec, Verdict
from destinations.salesforce.bulk_csv import NULL as BULK_NULL
from destinations.salesforce.person_accounts import PERSON_TYPES_KEY
from destinations.salesforce.types import ConversionError, convert

FieldInfo = Mapping[str, Any]  # one field of a describe result


@dataclass(frozen=True)
class ActionSpec:
    """The parts of an action a delivery is rendered with, as plain data."""

    sobject: str
    operation: str
    fields: Mapping[str, Any]
    other_fields: tuple[tuple[str, Any], ...] = ()
    matchers: tuple[tuple[str, Any], ...] = ()
    operator: str = "OR"
    clear_fields_on_null: bool = False
    # Sent in a Bulk API CSV, where the text "#N/A" is read as null.
    bulk: bool = False
    # Required to create when the org's describe is not known.
    required_fallback: tuple[str, ...] = ()


class Describe:
    """Field metadata of one object, looked up without regard to case."""

    def __init__(
        self,
        fields: Mapping[str, FieldInfo] | None,
        *,
        person_record_types: Iterable[str] = (),
        default_record_type: str | None = None,
    ) -> None:
        self.known = fields is not None
        self._by_lower = {name.lower(): info for name, info in (fields or {}).items()}
        # Compared on the 15-character body, so both id forms match.
        self.person_record_types = frozenset(str(rt)[:15] for rt in person_record_types)
        self.default_record_type = default_record_type

    @classmethod
    def of_object(cls, body: Mapping[str, Any]) -> Describe:
        """From a whole describe answer: fields, and which record types make person accounts."""
        fields = {str(f["name"]): f for f in body.get("fields", [])}
        default = next(
            (
                str(info["recordTypeId"])
                for info in body.get("recordTypeInfos", [])
                if info.get("defaultRecordTypeMapping") and info.get("available", True)
            ),
            None,
        )
        return cls(fields, person_record_types=body.get(PERSON_TYPES_KEY, ()), default_record_type=default)

    def is_person_type(self, record_type_id: Any) -> bool:
        """Whether a record of ``record_type_id`` (the default one when not given) is a person account."""
        chosen = record_type_id if isinstance(record_type_id, str) and record_type_id else None
        chosen = chosen or self.default_record_type
        return chosen is not None and chosen[:15] in self.person_record_types

    def field(self, name: str) -> FieldInfo | None:
        return self._by_lower.get(name.lower())

    def canonical(self, name: str) -> str:
        info = self.field(name)
        return str(info["name"]) if info else name

    def text_lengths(self, names: Any) -> dict[str, int]:
        """The length describe gives each named text field (others have none)."""
        lengths = {}
        for name in names:
            length = (self.field(name) or {}).get("length")
            if isinstance(length, int) and length > 0:
                lengths[name] = length
        return lengths

    def required_to_create(self, fallback: tuple[str, ...], record_type_id: Any = None) -> list[str]:
        if not self.known:
            return list(fallback)
        required = [
            str(info["name"])
            for info in self._by_lower.values()
            if info.get("createable") and not info.get("nillable") and not info.get("defaultedOnCreate")
        ]
        if self.is_person_type(record_type_id):
            # Salesforce derives a person account's Name from its first and last
            # names: describe still calls Name required, but LastName is what it needs.
            required = [name for name in required if name.lower() != "name"]
            required.append(self.canonical("LastName"))
        return required


def planner_spec(action: ActionSpec, describe: Describe) -> Spec:
    matchers = []
    for name, _ in action.matchers:
        info = describe.field(name) or {}
        matchers.append(
            Matcher(
                field=describe.canonical(name),
                type=str(info.get("type", "id" if name.lower() == "id" else "string")),
                case_sensitive=bool(info.get("caseSensitive")),
                createable=bool(info.get("createable", name.lower() != "id")),
                external_id=bool(info.get("externalId")),
            )
        )
    operator: Literal["AND", "OR"] = "AND" if action.operator == "AND" else "OR"
    return Spec(action.sobject, action.operation, tuple(matchers), operator)


def render(
    action: ActionSpec, event: Mapping[str, Any], describe: Describe, delivery_id: int
) -> Item | Verdict:
    """The delivery's field and matcher values, or why it cannot be sent."""
    unsendable = configuration_problem(action)
    if unsendable is not None:
        return unsendable
    return Renderer(action, describe).render(event, delivery_id)


class Renderer:
    """`render` for a chunk of deliveries of one action whose configuration was checked.

    What depends only on the action and the describe (the mappings read,
    each field's canonical name, whether it may be written) is worked out
    once, not once per delivery.
    """

    def __init__(self, action: ActionSpec, describe: Describe) -> None:
        self.action, self.describe = action, describe
        mappings = {**action.fields, **dict(action.other_fields)}
        self._fields = compile_fields(mappings, describe.text_lengths(mappings))
        # Each field's canonical name and describe, or why it is refused (code, message, fields).
        self._targets: dict[str, tuple[str, FieldInfo | None] | tuple[str, str, list[str]]] = {}

    def render(self, event: Mapping[str, Any], delivery_id: int) -> Item | Verdict:
        try:
            fields = {} if self.action.operation == "delete" else self._values(event)
            matchers = _matchers(self.action, event, self.describe)
        except _Refused as refused:
            return Verdict("failed", None, refused.code, refused.message, fields=refused.fields)
        return Item(delivery_id, fields, matchers)

    def _values(self, event: Mapping[str, Any]) -> dict[str, Any]:
        action = self.action
        try:
            rendered = self._fields(event)
        except FieldTooLarge as exc:
            name = self.describe.canonical(exc.field)
            raise _Refused("MAPPING_TOO_LARGE", f"{name}: {exc}", [name]) from None
        values: dict[str, Any] = {}
        for name, value in rendered.items():
            if value is None and not action.clear_fields_on_null:
                # A stray null must not wipe CRM data unless the action says so.
                continue
            canonical, info = self._target(name)
            values[canonical] = _convert(canonical, info, value)
            if action.bulk and not action.clear_fields_on_null and _reads_as_null_in_bulk(values[canonical]):
                raise _Refused(
                    "BULK_NULL_TEXT",
                    f'{canonical}: the value "{values[canonical]}" would clear the field, as Salesforce '
                    f'reads "{BULK_NULL}" in a Bulk CSV as null, and "Clear fields on null" is off. '
                    "Nothing was sent; send it over REST (Bulk off) to keep it as text.",
                    [canonical],
                )
        return values

    def _target(self, name: str) -> tuple[str, FieldInfo | None]:
        """The field's canonical name and describe (None when the describe is not known), or _Refused."""
        if name not in self._targets:
            try:
                self._targets[name] = _writable_field(self.action, self.describe, name)
            except _Refused as refused:
                self._targets[name] = (refused.code, refused.message, refused.fields)
        target = self._targets[name]
        if len(target) == 3:
            # A fresh exception each time: one raised again would carry every earlier traceback.
            raise _Refused(*target)
        return target


def missing_required(fields: Mapping[str, Any], describe: Describe, fallback: tuple[str, ...]) -> list[str]:
    """Fields a new record needs that ``fields`` leaves empty."""
    present = {name.lower(): value for name, value in fields.items() if value is not None and value != ""}
    required = describe.required_to_create(fallback, present.get("recordtypeid"))
    return [name for name in required if name.lower() not in present]


class _Refused(Exception):
    def __init__(self, code: str, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields


def _reads_as_null_in_bulk(value: Any) -> bool:
    # Whatever its case: a text that Salesforce might read as its null marker is refused.
    return isinstance(value, str) and value.upper() == BULK_NULL


_WRITABLE = {"create": ("createable",), "update": ("updateable",), "upsert": ("createable", "updateable")}


def _writable_field(action: ActionSpec, describe: Describe, name: str) -> tuple[str, FieldInfo | None]:
    canonical = describe.canonical(name)
    if not describe.known:
        return canonical, None
    info = describe.field(canonical)
    if info is None:
        raise _Refused("INVALID_FIELD", f"{action.sobject} has no field {canonical}.", [canonical])
    if not any(info.get(flag) for flag in _WRITABLE.get(action.operation, ("createable",))):
        raise _Refused(
            "INVALID_FIELD_FOR_INSERT_UPDATE", f"{action.sobject}.{canonical} cannot be written.", [canonical]
        )
    return canonical, info


def _convert(name: str, info: FieldInfo | None, value: Any) -> Any:
    if info is None or value is None:
        return value
    try:
        return convert(value, info)
    except ConversionError as exc:
        raise _Refused("INVALID_TYPE", str(exc), [name]) from None


def _matchers(action: ActionSpec, event: Mapping[str, Any], describe: Describe) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, mapping in action.matchers:
        try:
            value = evaluate(mapping, event)
        except MappingTooLarge as exc:
            raise _Refused("MAPPING_TOO_LARGE", f"{describe.canonical(name)}: {exc}", [name]) from None
        if value is MISSING or value is None or value == "":
            continue
        canonical = describe.canonical(name)
        info = describe.field(canonical)
        if describe.known and info is None:
            raise _Refused(
                "INVALID_FIELD", f"{action.sobject} has no field {name} to match records on.", [name]
            )
        if info is not None and not info.get("filterable", True):
            raise _Refused(
                "INVALID_FIELD",
                f"{canonical} cannot be a record matcher: Salesforce cannot filter on it.",
                [canonical],
            )
        if info is not None:
            try:
                value = convert(value, info)
            except ConversionError as exc:
                raise _Refused("INVALID_TYPE", str(exc), [canonical]) from None
        values[canonical] = value
    return values
