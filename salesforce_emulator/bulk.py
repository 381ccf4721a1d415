"""Bulk API 2.0 ingest jobs of one org: the state machine and the processing.

Open -> (upload) -> UploadComplete -> InProgress -> JobComplete | Failed;
Aborted from Open or UploadComplete. Processing runs in a background timer
thread: the job waits ``bulk_processing_delay`` in UploadComplete and again
in InProgress, so clients that poll see every state. Rows go through the
same record writer as REST, a few hundred at a time so that REST calls are
not held up behind a large job.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from salesforce_emulator import bulk_rows, clock
from salesforce_emulator.bulk_csv import DELIMITERS, CsvJobError, parse_record, split_records

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

TERMINAL = ("JobComplete", "Failed", "Aborted")
_ROWS_PER_LOCK = 200
_ROWS_PER_BATCH = 10_000


@dataclass
class BulkJob:
    id: str
    object: str
    operation: str
    external_id_field: str | None
    line_ending: str
    column_delimiter: str
    api_version: float
    created_by: str
    assignment_rule_id: str | None = None
    state: str = "Open"
    created_date: str = field(default_factory=clock.stamp)
    modstamp: str = field(default_factory=clock.stamp)
    data: str | None = None
    uploads: int = 0
    error_message: str | None = None
    header: list[str] = field(default_factory=list)
    successes: list[tuple[str, str, list[str]]] = field(default_factory=list)
    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)
    unprocessed: list[list[str]] = field(default_factory=list)
    processing_ms: int = 0

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self.column_delimiter]

    def set_state(self, state: str) -> None:
        self.state = state
        self.modstamp = clock.stamp()

    def info(self, *, counts: bool) -> dict[str, Any]:
        """The job info document (create's answer without counts; get's with them)."""
        info: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": self.created_date,
            "systemModstamp": self.modstamp,
            "state": self.state,
        }
        if self.external_id_field:
            info["externalIdFieldName"] = self.external_id_field
        if self.assignment_rule_id:
            info["assignmentRuleId"] = self.assignment_rule_id
        info.update(
            concurrencyMode="Parallel",
            contentType="CSV",
            apiVersion=self.api_version,
            jobType="V2Ingest",
            contentUrl=f"services/data/v{self.api_version:.1f}/jobs/ingest/{self.id}/batches",
            lineEnding=self.line_ending,
            columnDelimiter=self.column_delimiter,
        )
        if counts:
            info.update(
                numberRecordsProcessed=len(self.successes) + len(self.failures),
                numberRecordsFailed=len(self.failures),
                retries=0,
                totalProcessingTime=self.processing_ms,
                apiActiveProcessingTime=self.processing_ms,
                apexProcessingTime=0,
            )
            if self.state == "Failed" and self.error_message:
                info["errorMessage"] = self.error_message
        return info


class BulkJobs:
    def __init__(self, org: Org) -> None:
        self.org = org
        self._jobs: dict[str, BulkJob] = {}
        self._timers: list[threading.Timer] = []
        self._lock = threading.Lock()

    def add(self, job: BulkJob) -> None:
        with self._lock:
            self._jobs[job.id] = job

    def get(self, job_id: str) -> BulkJob | None:
        with self._lock:
            return self._jobs.get(job_id) or next(
                (j for j in self._jobs.values() if j.id[:15] == job_id[:15]), None
            )

    def all(self) -> list[BulkJob]:
        with self._lock:
            return list(self._jobs.values())

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def close(self, job: BulkJob) -> None:
        """UploadComplete: processing starts after the configured delay."""
        job.set_state("UploadComplete")
        self._later(self._start, job)

    def cancel_all(self) -> None:
        with self._lock:
            timers, self._timers = self._timers, []
            self._jobs.clear()
        for timer in timers:
            timer.cancel()

    def _later(self, action: Any, job: BulkJob) -> None:
        timer = threading.Timer(self.org.config.bulk_processing_delay, action, args=(job,))
        timer.daemon = True
        with self._lock:
            self._timers = [t for t in self._timers if t.is_alive()]
            self._timers.append(timer)
        timer.start()

    def _start(self, job: BulkJob) -> None:
        if job.state != "UploadComplete" or self.get(job.id) is not job:
            return
        job.set_state("InProgress")
        self._later(self._process, job)

    def _process(self, job: BulkJob) -> None:
        if self.get(job.id) is not job:
            return
        started = time.perf_counter()
        try:
            self._run(job)
        except CsvJobError as failure:
            job.error_message = str(failure)
            job.unprocessed = all_rows(job)
            job.set_state("Failed")
        else:
            if self.org.config.bulk_shuffle_results:
                random.shuffle(job.successes)
                random.shuffle(job.failures)
            job.set_state("JobComplete")
        finally:
            job.processing_ms = int((time.perf_counter() - started) * 1000)

    def _run(self, job: BulkJob) -> None:
        if job.data is None:
            raise CsvJobError("InvalidBatch : No data was uploaded for the job")
        records = split_records(job.data, job.line_ending)
        if not records:
            return
        header_row = parse_record(records[0], job.delimiter)
        if header_row.error:
            raise CsvJobError(f"InvalidBatch : The header row is malformed: {header_row.error}")
        job.header = header_row.cells
        plan = bulk_rows.RowPlan(self.org, job)  # raises CsvJobError for a bad header
        rows = [parse_record(r, job.delimiter) for r in records[1:]]
        self.org.limits.bulk_batches_used += max(1, math.ceil(len(rows) / _ROWS_PER_BATCH))
        for start in range(0, len(rows), _ROWS_PER_LOCK):
            with self.org.lock:
                if self.get(job.id) is not job:
                    return  # the org was reset (or the job deleted) meanwhile
                for position in range(start, min(start + _ROWS_PER_LOCK, len(rows))):
                    if position % _ROWS_PER_BATCH == 0:
                        # Salesforce compares upsert keys within each batch it splits the job into.
                        plan.start_batch(rows[position : position + _ROWS_PER_BATCH])
                    plan.apply(rows[position])


def all_rows(job: BulkJob) -> list[list[str]]:
    """Every uploaded row's cells, the header set on the job: what an aborted or failed job leaves."""
    if job.data is None:
        return []
    try:
        records = split_records(job.data, job.line_ending)
    except CsvJobError:
        # The file could not be split as declared: hand back its lines as they are.
        records = job.data.splitlines()
    if records:
        job.header = parse_record(records[0], job.delimiter).cells
    return [parse_record(r, job.delimiter).cells for r in records[1:]]
