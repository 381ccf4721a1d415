"""Classification of Salesforce answers, from plain data."""

import pickle
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from destinations.salesforce.errors import (
    ErrorKind,
    SalesforceError,
    classify_record_error,
    classify_response,
    classify_transport_error,
)


def rest_error(code, message="m", **extra):
    return [{"message": message, "errorCode": code, **extra}]


def classified(status, body=None, headers=None) -> SalesforceError:
    error = classify_response(status, body, headers or {})
    assert error is not None
    return error


def kind_of(status, body=None, headers=None):
    return classified(status, body, headers).kind


@pytest.mark.parametrize("status", [200, 201, 204])
def test_it_reads_2xx_as_success(status):
    assert classify_response(status, None, {}) is None


def test_it_keeps_the_code_message_and_fields_of_a_validation_error():
    body = rest_error("REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", fields=["Name"])

    error = classified(400, body, {})

    assert (error.kind, error.status) == (ErrorKind.PERMANENT, 400)
    assert (error.error_code, error.message, error.fields) == (
        "REQUIRED_FIELD_MISSING",
        "Required fields are missing: [Name]",
        ["Name"],
    )


def test_it_reads_a_missing_fields_key_as_no_fields():
    error = classified(404, rest_error("NOT_FOUND", "The requested resource does not exist"), {})

    assert (error.kind, error.fields) == (ErrorKind.PERMANENT, [])


@pytest.mark.parametrize("code", ["INVALID_SESSION_ID", "INVALID_AUTH_HEADER"])
def test_it_reads_a_401_as_auth(code):
    assert kind_of(401, rest_error(code)) is ErrorKind.AUTH


def test_it_reads_an_invalid_session_as_auth_whatever_the_status():
    assert kind_of(403, rest_error("INVALID_SESSION_ID")) is ErrorKind.AUTH


def test_it_reads_a_401_without_a_body_as_auth():
    assert kind_of(401, None) is ErrorKind.AUTH


def test_it_reads_request_limit_exceeded_as_rate_limited():
    assert kind_of(403, rest_error("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")) is (
        ErrorKind.RATE_LIMITED
    )


def test_it_reads_other_403s_as_permanent():
    assert kind_of(403, rest_error("INSUFFICIENT_ACCESS")) is ErrorKind.PERMANENT


@pytest.mark.parametrize("status", [500, 502, 503, 504, 505, 511, 598, 599])
def test_it_reads_5xx_as_transient(status):
    assert kind_of(status, None) is ErrorKind.TRANSIENT


def test_it_reads_501_as_permanent():
    assert kind_of(501, None) is ErrorKind.PERMANENT


@pytest.mark.parametrize("status", [408, 423, 429])
def test_it_reads_408_423_and_429_as_transient(status):
    assert kind_of(status, None) is ErrorKind.TRANSIENT


def test_it_reads_a_whole_request_lock_as_transient():
    assert kind_of(400, rest_error("UNABLE_TO_LOCK_ROW")) is ErrorKind.TRANSIENT


@pytest.mark.parametrize("status", [300, 400, 404, 405, 409, 412, 414, 415, 431])
def test_it_reads_other_statuses_as_permanent(status):
    assert kind_of(status, rest_error("SOMETHING")) is ErrorKind.PERMANENT


def test_it_reads_entity_is_deleted_as_permanent():
    error = classified(404, rest_error("ENTITY_IS_DELETED", "entity is deleted", fields=[]), {})

    assert (error.kind, error.error_code, error.message) == (
        ErrorKind.PERMANENT,
        "ENTITY_IS_DELETED",
        "entity is deleted",
    )


def test_it_classifies_a_proxy_html_page_by_its_status():
    error = classified(502, "<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"})

    assert (error.kind, error.status, error.error_code) == (ErrorKind.TRANSIENT, 502, "HTTP_502")
    assert error.message == "HTTP 502 Bad Gateway"


def test_it_lists_the_matching_records_of_a_300():
    urls = ["/services/data/v62.0/sobjects/Lead/00Q1", "/services/data/v62.0/sobjects/Lead/00Q2"]

    error = classified(300, urls, {})

    assert (error.kind, error.status, error.error_code) == (ErrorKind.PERMANENT, 300, "HTTP_300")
    assert error.message == f"More than one record matches: {urls[0]}, {urls[1]}"


def test_it_reads_a_bare_error_object_like_an_array():
    error = classified(404, {"errorCode": "NOT_FOUND", "message": "gone"}, {})

    assert (error.error_code, error.message) == ("NOT_FOUND", "gone")


def test_it_keeps_every_message_of_several_errors():
    body = [
        {
            "errorCode": "REQUIRED_FIELD_MISSING",
            "message": "Required fields are missing: [Name]",
            "fields": ["Name"],
        },
        {"errorCode": "STRING_TOO_LONG", "message": "Email: data value too large", "fields": ["Email"]},
    ]

    error = classified(400, body, {})

    assert error.error_code == "REQUIRED_FIELD_MISSING"
    assert error.message == "Required fields are missing: [Name]; Email: data value too large"
    assert error.fields == ["Name", "Email"]


def test_it_reads_retry_after_in_seconds():
    assert classified(429, None, {"retry-after": "120"}).retry_after == 120.0


def test_it_reads_retry_after_as_an_http_date():
    when = datetime.now(UTC) + timedelta(seconds=90)

    error = classified(503, None, {"Retry-After": format_datetime(when, usegmt=True)})

    assert error.retry_after is not None and 85 <= error.retry_after <= 91


def test_it_ignores_an_unreadable_retry_after():
    assert classified(503, None, {"Retry-After": "soon"}).retry_after is None


def test_it_reads_a_row_error_with_status_code():
    error = classify_record_error(
        [
            {
                "statusCode": "INVALID_EMAIL_ADDRESS",
                "message": "Email: invalid email address: x",
                "fields": ["Email"],
            }
        ]
    )

    assert (error.kind, error.status) == (ErrorKind.PERMANENT, None)
    assert (error.error_code, error.message, error.fields) == (
        "INVALID_EMAIL_ADDRESS",
        "Email: invalid email address: x",
        ["Email"],
    )


@pytest.mark.parametrize(
    "code", ["UNABLE_TO_LOCK_ROW", "ALL_OR_NONE_OPERATION_ROLLED_BACK", "PROCESSING_HALTED"]
)
def test_it_reads_locked_and_rolled_back_rows_as_transient(code):
    assert (
        classify_record_error([{"statusCode": code, "message": "m", "fields": []}]).kind
        is ErrorKind.TRANSIENT
    )


def test_it_reads_a_row_both_locked_and_invalid_as_permanent():
    errors = [
        {"statusCode": "UNABLE_TO_LOCK_ROW", "message": "locked", "fields": []},
        {"statusCode": "REQUIRED_FIELD_MISSING", "message": "missing", "fields": ["Name"]},
    ]

    assert classify_record_error(errors).kind is ErrorKind.PERMANENT


def test_it_reads_a_row_failure_without_errors_as_permanent():
    error = classify_record_error([])

    assert (error.kind, error.error_code) == (ErrorKind.PERMANENT, "NO_ERROR_GIVEN")


def test_it_reads_a_timeout_as_transient():
    error = classify_transport_error(requests.ReadTimeout("read timed out"))

    assert (error.kind, error.status, error.error_code) == (ErrorKind.TRANSIENT, None, "TIMEOUT")


def test_it_reads_a_reset_connection_as_transient():
    error = classify_transport_error(requests.ConnectionError(ConnectionResetError(104, "reset")))

    assert (error.kind, error.error_code) == (ErrorKind.TRANSIENT, "CONNECTION_ERROR")


def test_it_reads_an_unusable_url_as_permanent():
    assert classify_transport_error(requests.exceptions.InvalidURL("bad")).kind is ErrorKind.PERMANENT


def test_it_survives_pickling():
    error = SalesforceError(
        ErrorKind.TRANSIENT,
        status=503,
        error_code="SERVER_UNAVAILABLE",
        message="busy",
        fields=["a"],
        retry_after=2.0,
    )

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object

    assert (copy.kind, copy.status, copy.error_code, copy.message, copy.fields, copy.retry_after) == (
        ErrorKind.TRANSIENT,
        503,
        "SERVER_UNAVAILABLE",
        "busy",
        ["a"],
        2.0,
    )


def test_it_reads_as_code_message_and_status():
    error = SalesforceError(ErrorKind.PERMANENT, status=404, error_code="NOT_FOUND", message="gone")

    assert str(error) == "NOT_FOUND: gone (HTTP 404)"
