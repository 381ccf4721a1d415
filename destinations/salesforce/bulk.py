"""Bulk API 2.0 ingest calls: create, upload, close, poll, read results, abort.

    jobs = client.bulk
    job = jobs.create("Lead", "upsert", external_id_field="External_Id__c")
    jobs.upload(job.id, csv_text)
    jobs.close(job.id)
    ...  # later, from a scheduled follow-up, never a sleep
    info = jobs.info(job.id)
    if info.finished:
        rows = jobs.results(job.id, "successfulResults")

Every call goes through the transport, so each one is traced and counted
like any other API call. Jobs are always CSV, comma-delimited, LF line
endings: the files ``bulk_csv`` builds.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Literal

from destinations.salesforce.errors import ErrorKind, SalesforceError, classify_record_error
from destinations.salesforce.soql import object_name
from destinations.salesforce.transport import Transport

TERMINAL_STATES = frozenset({"JobComplete", "Failed", "Aborted"})
ResultKind = Literal["successfulResults", "failedResults", "unprocessedrecords"]


@dataclass(frozen=True)
class JobInfo:
    id: str
    state: str
    records_processed: int = 0
    records_failed: int = 0
    error_message: str = ""

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL_STATES


class BulkIngest:
    def __init__(self, transport: Transport, root: str) -> None:
        self._transport = transport
        self._jobs = f"{root}/jobs/ingest"

    def create(self, sobject: str, operation: str, *, external_id_field: str | None = None) -> JobInfo:
        """``POST /jobs/ingest``: an Open job for one object and operation."""
        spec: dict[str, Any] = {
            "object": object_name(sobject),
            "operation": operation,
            "contentType": "CSV",
            "lineEnding": "LF",
            "columnDelimiter": "COMMA",
        }
        if external_id_field is not None:
            spec["externalIdFieldName"] = object_name(external_id_field)
        return _job_info(self._transport.send("POST", self._jobs, body=spec))

    def upload(self, job_id: str, data: str) -> None:
        """``PUT .../batches``: the job's one CSV file."""
        self._transport.send("PUT", f"{self._job(job_id)}/batches", csv=data)

    def close(self, job_id: str) -> JobInfo:
        """``PATCH {"state": "UploadComplete"}``: Salesforce starts processing."""
        return self._change_state(job_id, "UploadComplete")

    def abort(self, job_id: str) -> JobInfo:
        """``PATCH {"state": "Aborted"}`` (only an Open or UploadComplete job can be aborted)."""
        return self._change_state(job_id, "Aborted")

    def info(self, job_id: str) -> JobInfo:
        """``GET /jobs/ingest/{id}``: the job's state and counts."""
        return _job_info(self._transport.send("GET", self._job(job_id)))

    def results(self, job_id: str, kind: ResultKind) -> list[dict[str, str]]:
        """The rows of one result file, each a dict by header (``sf__Id``, ``sf__Error``, ...)."""
        text = self._transport.send("GET", f"{self._job(job_id)}/{kind}/", text=True)
        if not isinstance(text, str):
            raise _unexpected(f"a CSV file of {kind}")
        return list(csv.DictReader(io.StringIO(text, newline="")))

    def _change_state(self, job_id: str, state: str) -> JobInfo:
        return _job_info(self._transport.send("PATCH", self._job(job_id), body={"state": state}))

    def _job(self, job_id: str) -> str:
        if not job_id.isalnum():
            raise ValueError(f"not a job id: {job_id!r}")
        return f"{self._jobs}/{job_id}"


def row_error(written: str) -> SalesforceError:
    """A failed row's ``sf__Error`` (``CODE:message:fields --``) as a classified error.

    ``REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --``
    gives the code, the message (which may itself hold colons) and the
    comma-separated fields; the trailing ``--`` is Salesforce's end mark.
    """
    body = written.strip()
    if body.endswith("--"):
        body = body[:-2].rstrip()
    code, _, rest = body.partition(":")
    message, _, fields = rest.rpartition(":") if rest.count(":") else (rest, "", "")
    named = [name.strip() for name in fields.split(",") if name.strip()]
    return classify_record_error([{"statusCode": code.strip(), "message": message.strip(), "fields": named}])


def _job_info(body: Any) -> JobInfo:
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("id"), str)
        or not isinstance(body.get("state"), str)
    ):
        raise _unexpected("a job info document")
    return JobInfo(
        id=body["id"],
        state=body["state"],
        records_processed=_count(body.get("numberRecordsProcessed")),
        records_failed=_count(body.get("numberRecordsFailed")),
        error_message=str(body.get("errorMessage") or ""),
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _unexpected(wanted: str) -> SalesforceError:
    # As for the other calls: an answer of the wrong shape may come right next time.
    return SalesforceError(
        ErrorKind.TRANSIENT,
        error_code="UNEXPECTED_RESPONSE",
        message=f"Salesforce answered with something other than {wanted}",
    )
