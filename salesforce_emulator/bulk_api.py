"""Bulk API 2.0 ingest over HTTP.

POST   /jobs/ingest                          create a job (Open)
GET    /jobs/ingest                          list jobs
GET    /jobs/ingest/{id}                     job info with counts
PATCH  /jobs/ingest/{id}                     {"state": "UploadComplete" | "Aborted"}
DELETE /jobs/ingest/{id}                     delete (UploadComplete or terminal)
PUT    /jobs/ingest/{id}/batches             the job's one CSV upload (201)
GET    /jobs/ingest/{id}/successfulResults/  failedResults/  unprocessedrecords/
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from salesforce_emulator import bulk_csv, errors, responses
from salesforce_emulator.bulk import TERMINAL, BulkJob, all_rows
from salesforce_emulator.calls import Call

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")


def handle(call: Call) -> Response:
    rest = call.segments[2:]
    if not rest:
        call.allow(["GET", "HEAD", "POST"])
        return _create(call) if call.method == "POST" else _list(call)
    job = call.org.bulk.get(rest[0])
    if job is None:
        raise errors.not_found()
    if len(rest) == 1:
        call.allow(["GET", "HEAD", "PATCH", "DELETE"])
        if call.method == "PATCH":
            return _change_state(call, job)
        if call.method == "DELETE":
            return _delete(call, job)
        return responses.json_response(job.info(counts=True))
    if len(rest) == 2 and rest[1] == "batches":
        call.allow(["PUT"])
        return _upload(call, job)
    if len(rest) == 2:
        call.allow(["GET", "HEAD"])
        return _results(job, rest[1])
    raise errors.not_found()


def _job_error(message: str) -> errors.ApiError:
    return errors.bad_request("INVALIDJOB", message)


def _state_error(message: str) -> errors.ApiError:
    return errors.bad_request("INVALIDJOBSTATE", message)


def _create(call: Call) -> Response:
    spec, _ = call.json()
    if not isinstance(spec, dict):
        raise _job_error("The request body must be a JSON object")
    org = call.org
    object_name = spec.get("object")
    sobject = org.schema.get(object_name) if isinstance(object_name, str) else None
    if sobject is None:
        raise errors.bad_request("INVALIDENTITY", f"Entity '{object_name}' is not supported by the Bulk API.")
    operation = spec.get("operation")
    if operation not in OPERATIONS:
        raise _job_error(f"Operation '{operation}' is not supported; use one of {', '.join(OPERATIONS)}")
    external = spec.get("externalIdFieldName")
    if operation == "upsert":
        key = sobject.field(external) if isinstance(external, str) else None
        if key is None or not (key.external_id or key.id_lookup):
            raise _job_error(
                f"Field name provided, {external} is not an External ID or indexed field for {sobject.name}"
            )
        external = key.name
    elif external is not None:
        raise _job_error("externalIdFieldName is only for upsert jobs")
    line_ending = spec.get("lineEnding", "LF")
    delimiter = spec.get("columnDelimiter", "COMMA")
    if spec.get("contentType", "CSV") != "CSV":
        raise _job_error("contentType must be CSV")
    if line_ending not in bulk_csv.LINE_ENDINGS:
        raise _job_error(f"lineEnding must be LF or CRLF, not {line_ending}")
    if delimiter not in bulk_csv.DELIMITERS:
        raise _job_error(f"columnDelimiter must be one of {', '.join(bulk_csv.DELIMITERS)}")
    job = BulkJob(
        id=org.minter.mint("750"),
        object=sobject.name,
        operation=operation,
        external_id_field=external,
        line_ending=line_ending,
        column_delimiter=delimiter,
        api_version=float(call.version),
        created_by=call.trace.user_id or org.user_id,
        assignment_rule_id=spec.get("assignmentRuleId"),
    )
    org.bulk.add(job)
    return responses.json_response(job.info(counts=False), org.config.bulk_create_job_status)


def _list(call: Call) -> Response:
    jobs = [job.info(counts=False) for job in call.org.bulk.all()]
    return responses.json_response({"done": True, "records": jobs, "nextRecordsUrl": None})


def _multiple_contents(job: BulkJob) -> errors.ApiError:
    # Salesforce's own wording, its spelling included.
    message = (
        f"Found multipe contents for job: <{job.id[:15]}>, please 'Close' / 'Abort' / 'Delete' "
        "the current Job then create a new Job and make sure you only do 'PUT' once on a given Job."
    )
    return _job_error(message)


def _upload(call: Call, job: BulkJob) -> Response:
    media = call.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media != "text/csv":
        raise errors.unsupported_media_type(media or "none")
    if job.state != "Open":
        raise _state_error(f"Data can only be uploaded to an Open job; this job is {job.state}")
    if job.uploads and call.org.config.bulk_second_upload_rejected_at == "upload":
        raise _multiple_contents(job)
    try:
        text = call.request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise errors.bad_request("INVALIDBATCH", "The data is not UTF-8") from None
    job.uploads += 1
    job.data = text if job.data is None else job.data
    return responses.empty(201)


def _change_state(call: Call, job: BulkJob) -> Response:
    body, _ = call.json()
    wanted = body.get("state") if isinstance(body, dict) else None
    config = call.org.config
    if wanted == "UploadComplete":
        if job.state != "Open":
            raise _state_error(f"Cannot close a job that is {job.state}")
        if job.uploads > 1:
            raise _multiple_contents(job)
        if job.data is None and config.bulk_close_without_data == "reject":
            raise _state_error("No data was uploaded for the job")
        call.org.bulk.close(job)
    elif wanted == "Aborted":
        if job.state not in ("Open", "UploadComplete"):
            raise _state_error(f"Cannot abort a job that is {job.state}")
        job.unprocessed = all_rows(job)
        job.set_state("Aborted")
    else:
        raise _state_error(f"Invalid state: {wanted}; use UploadComplete or Aborted")
    return responses.json_response(job.info(counts=False))


def _delete(call: Call, job: BulkJob) -> Response:
    if job.state not in (*TERMINAL, "UploadComplete"):
        raise _state_error(f"Cannot delete a job that is {job.state}")
    call.org.bulk.remove(job.id)
    return responses.empty()


def _results(job: BulkJob, kind: str) -> Response:
    header = job.header
    if kind == "successfulResults":
        body = bulk_csv.result_file(
            "sf__Id", "sf__Created", header, job.successes, job.delimiter, job.line_ending
        )
    elif kind == "failedResults":
        body = bulk_csv.result_file(
            "sf__Id", "sf__Error", header, job.failures, job.delimiter, job.line_ending
        )
    elif kind == "unprocessedrecords":
        body = bulk_csv.unprocessed_file(header, job.unprocessed, job.delimiter, job.line_ending)
    else:
        raise errors.not_found()
    return responses.csv(body)
