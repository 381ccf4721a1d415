"""How records look in API answers, and how API bodies become field changes."""

from __future__ import annotations

from typing import Any

from salesforce_emulator import errors, json_body
from salesforce_emulator.errors import RecordFailure
from salesforce_emulator.records import resolve_fields
from salesforce_emulator.schema import Field, SObject
from salesforce_emulator.values import JsonTypeError, from_json


def record_url(base: str, object_name: str, record_id: str) -> str:
    return f"{base}/sobjects/{object_name}/{record_id}"


def render(
    sobject: SObject, record: dict[str, Any], base: str, fields: list[Field] | None = None
) -> dict[str, Any]:
    """A record as retrieve returns it: ``attributes`` first, unset fields as null."""
    rendered: dict[str, Any] = {
        "attributes": {"type": sobject.name, "url": record_url(base, sobject.name, record["Id"])}
    }
    for field in fields if fields is not None else sobject.fields:
        rendered[field.name] = record.get(field.name)
    return rendered


def selected_fields(sobject: SObject, names: str | None) -> list[Field] | None:
    """The fields of a ``fields=A,B`` parameter (with ``Id``), or None for all.

    Raises ``ApiError`` (INVALID_FIELD) for a name the object does not have.
    """
    if not names:
        return None
    chosen: list[Field] = []
    for name in (n.strip() for n in names.split(",")):
        if not name:
            continue
        field = sobject.field(name)
        if field is None:
            raise errors.ApiError(400, errors.unknown_query_field(name, sobject.name))
        if field not in chosen:
            chosen.append(field)
    id_field = sobject.field("Id")
    if id_field is not None and id_field not in chosen:
        chosen.append(id_field)
    return chosen


def changes_from_json(
    sobject: SObject,
    body: dict[str, Any],
    text: str,
    *,
    numeric_strings: bool,
    start: int = 0,
    allow_id: bool = False,
) -> dict[str, Any]:
    """Canonical field name to stored value, for a JSON record body.

    Raises ``RecordFailure`` for unknown fields (or ``Id``) and ``ApiError``
    (JSON_PARSER_ERROR) for a value of the wrong JSON type.
    """
    changes: dict[str, Any] = {}
    for field, key, value in resolve_fields(sobject, body, allow_id=allow_id):
        try:
            changes[field.name] = from_json(field, value, numeric_strings=numeric_strings)
        except JsonTypeError as exc:
            raise json_body.type_error(exc, text, key, start) from None
    return changes


def failure_status(failure: RecordFailure) -> int:
    """REST's status for a failed write: 404 for a deleted record, else 400."""
    return 404 if failure.errors[0].code == "ENTITY_IS_DELETED" else 400
