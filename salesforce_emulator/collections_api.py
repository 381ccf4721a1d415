"""sObject Collections: up to 200 records a call, one result per record, in order.

    POST   /composite/sobjects                          create (types may mix)
    PATCH  /composite/sobjects                          update
    PATCH  /composite/sobjects/{Object}/{ExtIdField}    upsert
    DELETE /composite/sobjects?ids=a,b&allOrNone=       delete
    GET    /composite/sobjects/{Object}?ids=&fields=    retrieve (POST with a JSON body too)

A well-formed request always answers 200; each result carries its own
``success`` and ``errors`` (with ``statusCode``). With ``allOrNone`` one
failure rolls every write of the call back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from salesforce_emulator import composite_api, duplicate_keys, errors, ids, responses, values
from salesforce_emulator.calls import Call
from salesforce_emulator.errors import RecordError, RecordFailure
from salesforce_emulator.record_json import changes_from_json, render, selected_fields
from salesforce_emulator.records import MultipleMatches, RecordMissing
from salesforce_emulator.schema import Field, SObject

MAX_RECORDS = 200
MAX_CHUNKS = 10
Result = dict[str, Any]


def handle(call: Call) -> Response:
    segments = call.segments
    if segments == ["composite"]:
        call.allow(["POST"])
        return composite_api.run(call)
    if segments[:2] != ["composite", "sobjects"] or len(segments) > 4:
        raise errors.not_found()
    if len(segments) == 2:
        call.allow(["POST", "PATCH", "DELETE"])
        if call.method == "DELETE":
            return _delete(call)
        return _save(call, creating=call.method == "POST")
    sobject = call.org.schema.get(segments[2])
    if sobject is None:
        raise errors.not_found()
    if len(segments) == 3:
        call.allow(["GET", "HEAD", "POST"])
        return _retrieve(call, sobject)
    call.allow(["PATCH"])
    return _upsert(call, sobject, segments[3])


def _records(call: Call) -> tuple[list[dict[str, Any]], bool, str]:
    body, text = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise errors.json_parser_error(
            "Cannot deserialize instance of collection request: records are required"
        )
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise errors.too_many_records()
    for record in records:
        kind = record.get("attributes", {}).get("type") if isinstance(record, dict) else None
        if not isinstance(kind, str) or not kind:
            raise errors.bad_request("INVALID_TYPE", "When creating or updating a record, specify its type")
        if call.org.schema.get(kind) is None:
            raise errors.bad_request("INVALID_TYPE", errors.invalid_type_message(kind))
    return records, bool(body.get("allOrNone", False)), text


def _run(call: Call, count: int, all_or_none: bool, write_one: Callable[[int], Result]) -> list[Result]:
    """Write each row under the org lock; with allOrNone, undo all if any failed."""
    org = call.org
    locked = call.trace.locked_rows or set()
    results: list[Result] = []
    with org.lock:
        if all_or_none:
            org.store.begin()
        for index in range(count):
            if index in locked:
                results.append(_failure([errors.unable_to_lock_row()]))
                continue
            try:
                results.append(write_one(index))
            except RecordFailure as failure:
                results.append(_failure(failure.errors))
        if all_or_none and not all(r["success"] for r in results):
            org.store.rollback()
            rolled_back = errors.all_or_none_rolled_back().collection()
            results = [r if not r["success"] else _rolled_back(r, rolled_back) for r in results]
        elif all_or_none:
            org.store.commit()
    return results


def _failure(problems: list[RecordError]) -> Result:
    return {"success": False, "errors": [e.collection() for e in problems]}


def _rolled_back(result: Result, error: dict[str, object]) -> Result:
    rolled: Result = {"success": False, "errors": [error]}
    if "created" in result:
        rolled["created"] = False
    return rolled


def _save(call: Call, *, creating: bool) -> Response:
    records, all_or_none, text = _records(call)
    chunks = sum(
        1
        for i, r in enumerate(records)
        if i == 0 or r["attributes"]["type"] != records[i - 1]["attributes"]["type"]
    )
    if chunks > MAX_CHUNKS:
        raise errors.too_many_chunks()
    org = call.org
    # Deserialize every record first: a value of the wrong JSON type fails the whole call.
    parsed: list[tuple[SObject, dict[str, Any] | RecordFailure, Any]] = []
    for record in records:
        sobject = org.schema.get(record["attributes"]["type"])
        assert sobject is not None
        body = {k: v for k, v in record.items() if k.lower() != "id"}
        try:
            changes: dict[str, Any] | RecordFailure = changes_from_json(
                sobject, body, text, numeric_strings=org.config.rest_numeric_strings
            )
        except RecordFailure as failure:
            changes = failure
        parsed.append((sobject, changes, record.get("Id", record.get("id"))))

    def write_one(index: int) -> Result:
        sobject, changes, record_id = parsed[index]
        if isinstance(changes, RecordFailure):
            raise changes
        if creating:
            if record_id is not None:
                raise RecordFailure(errors.id_in_insert())
            return {"id": org.writer.create(sobject, changes), "success": True, "errors": []}
        if not record_id:
            raise RecordFailure(errors.id_missing_in_update())
        full_id = _full_id(record_id, sobject)
        try:
            org.writer.update(sobject, full_id, changes)
        except RecordMissing:
            raise RecordFailure(errors.invalid_cross_reference()) from None
        return {"id": full_id, "success": True, "errors": []}

    return responses.json_response(_run(call, len(parsed), all_or_none, write_one))


def _full_id(value: Any, sobject: SObject) -> str:
    if not isinstance(value, str) or not ids.is_valid(value):
        raise RecordFailure(errors.malformed_id(str(value)))
    full_id = ids.to_18(value)
    if full_id[:3] != sobject.key_prefix:
        raise RecordFailure(errors.invalid_cross_reference())
    return full_id


def _upsert(call: Call, sobject: SObject, field_name: str) -> Response:
    field = sobject.field(field_name)
    if field is None or not (field.external_id or field.id_lookup) or field.name == "Id":
        message = (
            f"Field name provided, {field_name} is not an External ID or indexed field for {sobject.name}"
        )
        raise errors.bad_request("INVALID_FIELD", message)
    records, all_or_none, text = _records(call)
    org = call.org
    parsed = []
    for record in records:
        if record["attributes"]["type"].lower() != sobject.name.lower():
            raise errors.bad_request("INVALID_TYPE", f"Upsert of {sobject.name} records only")
        try:
            changes: dict[str, Any] | RecordFailure = changes_from_json(
                sobject, record, text, numeric_strings=org.config.rest_numeric_strings
            )
        except RecordFailure as failure:
            changes = failure
        parsed.append(changes)
    # Records of this request sharing a key: each fails, none wins.
    shared = duplicate_keys.repeated(
        org, field, [c.get(field.name) for c in parsed if not isinstance(c, RecordFailure)]
    )

    def write_one(index: int) -> Result:
        changes = parsed[index]
        if isinstance(changes, RecordFailure):
            raise changes
        key = changes.pop(field.name, None)
        if key is None or key == "":
            raise RecordFailure(RecordError("MISSING_ARGUMENT", f"{field.name} not specified", ()))
        if duplicate_keys.comparable(org, field, key) in shared:
            raise RecordFailure(errors.duplicate_external_id(field.name, str(key)))
        try:
            record_id, created = org.writer.upsert(sobject, field, _key(field, key), changes)
        except MultipleMatches:
            raise RecordFailure(errors.duplicate_external_id(field.name, str(key))) from None
        return {"id": record_id, "success": True, "errors": [], "created": created}

    results = _run(call, len(parsed), all_or_none, write_one)
    for result in results:
        result.setdefault("created", False)
    return responses.json_response(results)


def _key(field: Field, value: Any) -> Any:
    return value if isinstance(value, str) or field.type not in values.TEXT_TYPES else str(value)


def _delete(call: Call) -> Response:
    raw_ids = [i for i in call.request.args.get("ids", "").split(",") if i]
    if not raw_ids:
        raise errors.bad_request("MISSING_ARGUMENT", "ids parameter is required")
    if len(raw_ids) > MAX_RECORDS:
        raise errors.too_many_records()
    all_or_none = call.request.args.get("allOrNone", "").lower() == "true"
    org = call.org

    def write_one(index: int) -> Result:
        value = raw_ids[index]
        if not ids.is_valid(value):
            raise RecordFailure(errors.malformed_id(value))
        sobject = org.schema.by_key_prefix(value[:3])
        if sobject is None:
            raise RecordFailure(errors.malformed_id(value))
        try:
            org.writer.delete(sobject, value)
        except RecordMissing:
            raise RecordFailure(errors.entity_is_deleted()) from None
        return {"id": ids.to_18(value), "success": True, "errors": []}

    return responses.json_response(_run(call, len(raw_ids), all_or_none, write_one))


def _retrieve(call: Call, sobject: SObject) -> Response:
    if call.method == "POST":
        body, _ = call.json()
        if not isinstance(body, dict):
            raise errors.json_parser_error("Cannot deserialize instance of retrieve request")
        wanted, names = list(body.get("ids", [])), ",".join(body.get("fields", []))
    else:
        wanted = [i for i in call.request.args.get("ids", "").split(",") if i]
        names = call.request.args.get("fields", "")
    if len(wanted) > 2000:
        raise errors.too_many_records()
    fields = selected_fields(sobject, names)
    org = call.org
    found: list[dict[str, Any] | None] = []
    with org.lock:
        for value in wanted:
            record = org.store.get(sobject.name, ids.to_18(value)) if ids.is_valid(value) else None
            live = record is not None and not record.get("IsDeleted")
            found.append(render(sobject, record, call.base, fields) if live and record else None)
    return responses.json_response(found)
