"""sObject resources: describe, create, retrieve, update, delete, upsert.

/sobjects                              GET   global describe
/sobjects/{Object}                     GET   basic info    POST create
/sobjects/{Object}/describe            GET   describe
/sobjects/{Object}/{Id}                GET   PATCH   DELETE  (POST .../Id = create)
/sobjects/{Object}/{Field}/{Value}     GET   PATCH (upsert)  DELETE
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from werkzeug.wrappers import Response

from salesforce_emulator import describe, errors, ids, responses, values
from salesforce_emulator.calls import Call
from salesforce_emulator.errors import ApiError, RecordFailure
from salesforce_emulator.record_json import (
    changes_from_json,
    failure_status,
    record_url,
    render,
    selected_fields,
)
from salesforce_emulator.records import MultipleMatches, NoMatch, RecordMissing
from salesforce_emulator.schema import Field, SObject

_RECORD_METHODS = ["GET", "HEAD", "PATCH", "DELETE"]


def handle(call: Call) -> Response:
    segments = call.segments
    org = call.org
    if len(segments) == 1:
        call.allow(["GET", "HEAD"])
        return responses.json_response(describe.describe_global(org, call.base))
    sobject = org.schema.get(segments[1])
    if sobject is None:
        raise errors.unknown_sobject_type(segments[1], org.config.unknown_sobject_error)
    rest = segments[2:]
    if not rest:
        call.allow(["GET", "HEAD", "POST"])
        return _create(call, sobject) if call.method == "POST" else _basic_info(call, sobject)
    if rest == ["describe"]:
        call.allow(["GET", "HEAD"])
        return _describe(call, sobject)
    if len(rest) == 1:
        if call.method == "POST" and rest[0].lower() == "id":
            return _create(call, sobject)
        return _by_id(call, sobject, rest[0])
    if len(rest) == 2:
        return _by_external_id(call, sobject, rest[0], rest[1])
    raise errors.not_found()


def _basic_info(call: Call, sobject: SObject) -> Response:
    with call.org.lock:
        recent = [r for r in call.org.store.all(sobject.name) if not r.get("IsDeleted")][-3:]
        items = [
            {
                "attributes": {"type": sobject.name, "url": record_url(call.base, sobject.name, r["Id"])},
                "Id": r["Id"],
                "Name": r.get("Name"),
            }
            for r in reversed(recent)
        ]
    return responses.json_response(
        {"objectDescribe": describe.object_summary(sobject, call.base), "recentItems": items}
    )


def _describe(call: Call, sobject: SObject) -> Response:
    since = call.request.headers.get("If-Modified-Since")
    if since:
        try:
            if parsedate_to_datetime(since).timestamp() >= call.org.schema_loaded_at:
                return responses.empty(304)
        except (TypeError, ValueError):
            pass
    return responses.json_response(describe.describe_object(call.org, sobject, call.base))


def _body(call: Call) -> tuple[dict[str, Any], str]:
    body, text = call.json()
    if not isinstance(body, dict):
        token = "START_ARRAY" if isinstance(body, list) else "VALUE_STRING"
        raise errors.json_parser_error(
            f"Cannot deserialize instance of SObject from {token} value {text.strip()[:1]} "
            "or request may be missing a required field at [line:1, column:1]"
        )
    return body, text


def _changes(call: Call, sobject: SObject, body: dict[str, Any], text: str) -> dict[str, Any]:
    try:
        return changes_from_json(sobject, body, text, numeric_strings=call.org.config.rest_numeric_strings)
    except RecordFailure as failure:
        raise ApiError(400, *failure.errors) from None


def _create(call: Call, sobject: SObject) -> Response:
    body, text = _body(call)
    changes = _changes(call, sobject, body, text)
    try:
        record_id = call.org.writer.create(sobject, changes)
    except RecordFailure as failure:
        raise ApiError(400, *failure.errors) from None
    return responses.json_response({"id": record_id, "success": True, "errors": []}, 201)


def _by_id(call: Call, sobject: SObject, segment: str) -> Response:
    call.allow(_RECORD_METHODS)
    if not ids.is_valid(segment):
        # Not an id, so Salesforce reads the segment as an external id field with no value.
        raise errors.external_id_field_not_found(segment)
    record_id = ids.to_18(segment)
    if record_id[:3] != sobject.key_prefix:
        raise errors.not_found()
    org = call.org
    if call.method in ("GET", "HEAD"):
        fields = selected_fields(sobject, call.request.args.get("fields"))
        with org.lock:
            record = org.store.get(sobject.name, record_id)
            if record is None:
                raise errors.not_found()
            if record.get("IsDeleted"):
                raise ApiError(404, errors.entity_is_deleted())
            return responses.json_response(render(sobject, record, call.base, fields))
    try:
        if call.method == "DELETE":
            org.writer.delete(sobject, record_id)
        else:
            body, text = _body(call)
            org.writer.update(sobject, record_id, _changes(call, sobject, body, text))
    except RecordMissing:
        raise errors.not_found() from None
    except RecordFailure as failure:
        raise ApiError(failure_status(failure), *failure.errors) from None
    return responses.empty()


def _key_field(sobject: SObject, name: str) -> Field:
    field = sobject.field(name)
    if field is None:
        raise errors.external_id_field_not_found(name)
    if not (field.external_id or field.id_lookup):
        raise errors.not_found()
    return field


def _key_value(field: Field, text: str) -> Any:
    try:
        return ids.to_18(text) if field.type == "id" else values.from_csv(field, text)
    except ValueError:
        raise errors.not_found() from None
    except RecordFailure as failure:
        raise ApiError(400, *failure.errors) from None


def _by_external_id(call: Call, sobject: SObject, field_name: str, raw_value: str) -> Response:
    call.allow(_RECORD_METHODS)
    field = _key_field(sobject, field_name)
    if field.name == "Id":
        return _by_id(call, sobject, raw_value)
    value = _key_value(field, raw_value)
    org = call.org
    if call.method == "PATCH":
        return _upsert(call, sobject, field, value)
    case_sensitive = field.case_sensitive or not org.config.external_id_case_insensitive
    with org.lock:
        matches = org.store.matching(sobject.name, field.name, value, case_sensitive=case_sensitive)
        if not matches:
            raise errors.not_found()
        if len(matches) > 1:
            return _multiple(call, sobject, [r["Id"] for r in matches])
        if call.method == "DELETE":
            org.writer.delete(sobject, matches[0]["Id"])
            return responses.empty()
        fields = selected_fields(sobject, call.request.args.get("fields"))
        return responses.json_response(render(sobject, matches[0], call.base, fields))


def _upsert(call: Call, sobject: SObject, field: Field, value: Any) -> Response:
    body, text = _body(call)
    changes = _changes(call, sobject, body, text)
    update_only = call.request.args.get("updateOnly", "").lower() == "true" and call.version_at_least(61)
    try:
        record_id, created = call.org.writer.upsert(sobject, field, value, changes, update_only=update_only)
    except MultipleMatches as multiple:
        return _multiple(call, sobject, multiple.record_ids)
    except NoMatch:
        raise ApiError(call.org.config.update_only_miss_status, *errors.not_found().errors) from None
    except RecordFailure as failure:
        raise ApiError(failure_status(failure), *failure.errors) from None
    if not call.version_at_least(46):
        if created:
            return responses.json_response({"id": record_id, "success": True, "errors": []}, 201)
        return responses.empty()
    answer = {"id": record_id, "success": True, "errors": [], "created": created}
    return responses.json_response(answer, 201 if created else 200)


def _multiple(call: Call, sobject: SObject, record_ids: list[str]) -> Response:
    return responses.json_response([record_url(call.base, sobject.name, i) for i in record_ids], 300)
