"""Every error the emulator answers with, built in one place.

A ``RecordError`` is one Salesforce error (``errorCode``, ``message``,
``fields``). It renders three ways: inside a REST error array
(``errorCode``), inside an sObject Collections result (``statusCode``) and as
a Bulk API ``sf__Error`` cell (``CODE:message:fields --``). Handlers raise
``ApiError`` (a status and its errors) or ``OAuthError``; the server turns
them into responses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordError:
    code: str
    message: str
    # None: the REST body has no ``fields`` key (session, query, parser errors).
    fields: tuple[str, ...] | None = ()

    def rest(self) -> dict[str, object]:
        body: dict[str, object] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            body["fields"] = list(self.fields)
        return body

    def collection(self) -> dict[str, object]:
        return {"statusCode": self.code, "message": self.message, "fields": list(self.fields or ())}

    def bulk(self) -> str:
        fields = ",".join(self.fields or ())
        return f"{self.code}:{self.message}:{fields} --" if fields else f"{self.code}:{self.message}:--"


class ApiError(Exception):
    """A REST answer other than success: an HTTP status and its error array."""

    def __init__(self, status: int, *errors: RecordError, headers: dict[str, str] | None = None) -> None:
        super().__init__(errors[0].message if errors else str(status))
        self.status = status
        self.errors = list(errors)
        self.headers = headers or {}

    def body(self) -> list[dict[str, object]]:
        return [e.rest() for e in self.errors]


class RecordFailure(Exception):
    """Raised by record validation and writes; carries the record's errors."""

    def __init__(self, *errors: RecordError) -> None:
        super().__init__(errors[0].message)
        self.errors = list(errors)


class OAuthError(Exception):
    """An OAuth endpoint error: a JSON object ``{error, error_description}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class DropConnection(Exception):
    """Tells the server to close the socket without writing a response."""


# --- Session, routing and request errors ----------------------------------


def invalid_session(message: str = "Session expired or invalid") -> ApiError:
    return ApiError(401, RecordError("INVALID_SESSION_ID", message, None))


def invalid_auth_header() -> ApiError:
    return ApiError(401, RecordError("INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE", None))


def not_found(message: str = "The requested resource does not exist") -> ApiError:
    return ApiError(404, RecordError("NOT_FOUND", message, None))


def external_id_field_not_found(segment: str) -> ApiError:
    return not_found(f"Provided external ID field does not exist or is not accessible: {segment}")


def unknown_sobject_type(name: str, code: str) -> ApiError:
    if code == "INVALID_TYPE":
        return ApiError(404, RecordError("INVALID_TYPE", invalid_type_message(name), None))
    return not_found()


def invalid_type_message(name: str) -> str:
    return (
        f"sObject type '{name}' is not supported. If you are attempting to use a custom object, "
        "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names."
    )


def entity_is_deleted() -> RecordError:
    return RecordError("ENTITY_IS_DELETED", "entity is deleted", ())


def method_not_allowed(method: str, allowed: list[str]) -> ApiError:
    message = f"HTTP Method '{method}' not allowed. Allowed are {','.join(allowed)}"
    return ApiError(
        405, RecordError("METHOD_NOT_ALLOWED", message, None), headers={"Allow": ", ".join(allowed)}
    )


def unsupported_media_type(content_type: str) -> ApiError:
    message = f"MediaType of '{content_type}' is not supported by this resource"
    return ApiError(415, RecordError("UNSUPPORTED_MEDIA_TYPE", message, None))


def request_limit_exceeded() -> ApiError:
    return ApiError(403, RecordError("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", None))


def json_parser_error(message: str) -> ApiError:
    return ApiError(400, RecordError("JSON_PARSER_ERROR", message, None))


def json_type_mismatch(type_name: str, token: str, value: str, line: int, column: int) -> str:
    return (
        f"Cannot deserialize instance of {type_name} from {token} value {value} "
        f"or request may be missing a required field at [line:{line}, column:{column}]"
    )


def malformed_query(message: str) -> ApiError:
    return ApiError(400, RecordError("MALFORMED_QUERY", message, None))


def invalid_query_locator() -> ApiError:
    return ApiError(400, RecordError("INVALID_QUERY_LOCATOR", "invalid query locator", None))


def bad_request(code: str, message: str) -> ApiError:
    return ApiError(400, RecordError(code, message, None))


def too_many_records() -> ApiError:
    message = "record limit reached. cannot submit more than 200 records into this call"
    return bad_request("EXCEEDED_ID_LIMIT", message)


def too_many_chunks() -> ApiError:
    message = (
        "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking."
    )
    return bad_request("INVALID_BATCH_SIZE", message)


# --- Injected faults --------------------------------------------------------


def server_unavailable() -> ApiError:
    message = "Server is temporarily unavailable, please try again later"
    return ApiError(503, RecordError("SERVER_UNAVAILABLE", message, None))


def unknown_exception() -> ApiError:
    # Salesforce's wording carries a support reference that differs per call.
    first = random.randint(100_000_000, 999_999_999)
    second = random.randint(10_000, 99_999)
    message = (
        "An unexpected error occurred. Please include this ErrorId if you contact support: "
        f"{first}-{second} ({-first})"
    )
    return ApiError(500, RecordError("UNKNOWN_EXCEPTION", message, None))


def unable_to_lock_row(record_id: str | None = None) -> RecordError:
    target = f"1 records: {record_id}" if record_id else "this record"
    message = f"unable to obtain exclusive access to this record or {target}"
    return RecordError("UNABLE_TO_LOCK_ROW", message, ())


# --- Record validation -------------------------------------------------------


def unknown_field(name: str, object_name: str) -> RecordError:
    return RecordError("INVALID_FIELD", f"No such column '{name}' on sobject of type {object_name}", None)


def unknown_query_field(name: str, object_name: str) -> RecordError:
    message = (
        f"No such column '{name}' on entity '{object_name}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your WSDL "
        "or the describe call for the appropriate names."
    )
    return RecordError("INVALID_FIELD", message, None)


def id_in_body() -> RecordError:
    return RecordError("INVALID_FIELD", "The Id field should not be specified in the sobject data.", None)


def id_in_insert() -> RecordError:
    return RecordError("INVALID_FIELD", "cannot specify Id in an insert call", ("Id",))


def id_missing_in_update() -> RecordError:
    return RecordError("MISSING_ARGUMENT", "Id not specified in an update call", ())


def read_only_fields(names: list[str]) -> RecordError:
    message = (
        f"Unable to create/update fields: {', '.join(names)}. Please check the security settings of "
        "this field and verify that it is read/write for your profile or permission set."
    )
    return RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", message, tuple(names))


def required_missing(names: list[str]) -> RecordError:
    return RecordError(
        "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(names)}]", tuple(names)
    )


def string_too_long(label: str, name: str, value: str, max_length: int) -> RecordError:
    message = f"{label}: data value too large: {value} (max length={max_length})"
    return RecordError("STRING_TOO_LONG", message, (name,))


def invalid_email(label: str, name: str, value: str) -> RecordError:
    return RecordError("INVALID_EMAIL_ADDRESS", f"{label}: invalid email address: {value}", (name,))


def bad_restricted_picklist(label: str, name: str, value: str) -> RecordError:
    message = f"{label}: bad value for restricted picklist field: {value}"
    return RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message, (name,))


def bad_value_type(label: str, name: str, value: str) -> RecordError:
    """The Bulk API's (and SOAP's) wording for a value of the wrong type."""
    return RecordError(
        "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{label}: value not of required type: {value}", (name,)
    )


def malformed_reference(label: str, name: str, value: str) -> RecordError:
    return RecordError("MALFORMED_ID", f"{label}: id value of incorrect type: {value}", (name,))


def malformed_id(value: str) -> RecordError:
    return RecordError("MALFORMED_ID", f"malformed id {value}", ())


def wrong_object_reference(code: str, label: str, name: str, value: str) -> RecordError:
    if code == "INVALID_CROSS_REFERENCE_KEY":
        return invalid_cross_reference(name)
    return RecordError(code, f"{label}: id value of incorrect type: {value}", (name,))


def invalid_cross_reference(name: str | None = None) -> RecordError:
    return RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", (name,) if name else ())


def duplicate_value(field_name: str, record_id: str, list_field: bool) -> RecordError:
    message = f"duplicate value found: {field_name} duplicates value on record with id: {record_id}"
    return RecordError("DUPLICATE_VALUE", message, (field_name,) if list_field else ())


def duplicate_external_id(field_name: str, value: str) -> RecordError:
    return RecordError("DUPLICATE_EXTERNAL_ID", f"Duplicate external id specified: {value}", (field_name,))


def duplicates_detected(message: str = "Use one of these records?") -> RecordError:
    return RecordError("DUPLICATES_DETECTED", message, ())


def custom_validation(message: str, field_name: str | None) -> RecordError:
    return RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", message, (field_name,) if field_name else ())


def person_account_field_on_business_account(name: str) -> RecordError:
    message = f"Unable to create/update fields: {name}. Only person accounts have this field."
    return RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", message, (name,))


def foreign_key_not_found(value: str, field_name: str, object_name: str) -> RecordError:
    message = f"Foreign key external ID: {value} not found for field {field_name} in entity {object_name}"
    return RecordError("INVALID_FIELD", message, ())


def all_or_none_rolled_back() -> RecordError:
    message = (
        "Record rolled back because not all records were valid and the request was using AllOrNone header"
    )
    return RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK", message, ())


def processing_halted() -> RecordError:
    message = "The transaction was rolled back since another operation in the same transaction failed."
    return RecordError("PROCESSING_HALTED", message, None)
