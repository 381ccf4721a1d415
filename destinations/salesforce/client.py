"""Typed calls to one org's data API: query, sObject Collections writes, describe, limits.

    client = SalesforceClient(connection, on_call=record_call)
    results = client.upsert("Lead", "External_Id__c", [{"External_Id__c": "a-1", "LastName": "Doe"}])

Writes go through sObject Collections with ``allOrNone=false``: one result
per record, in input order, at most 200 records a call (longer lists are
split, each part is its own call). A request that fails as a whole raises
``SalesforceError``; one record's failure comes back in its result.

When a list needed several calls and a later one fails as a whole, the
records of the earlier calls are already written. Raising would hide that
(and a retry would write them twice), so the call returns instead: the
earlier records carry their own results, and every record not yet written
carries the whole-request error (whatever its kind, AUTH and RATE_LIMITED
included); no further call is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests

from destinations.salesforce import ids as record_ids
from destinations.salesforce.bulk import BulkIngest
from destinations.salesforce.calls import Call
from destinations.salesforce.connection import Connection
from destinations.salesforce.errors import ErrorKind, SalesforceError, classify_record_error
from destinations.salesforce.soql import object_name
from destinations.salesforce.transport import DEFAULT_TIMEOUT, DEFAULT_WRITE_TIMEOUT, Transport

MAX_COLLECTION_SIZE = 200
# Pages one query may read (2,000 rows each by default: 200,000 rows). Our
# queries look records up by matcher; more pages than this means an org that
# keeps answering with another page, and every page is a counted API call.
MAX_QUERY_PAGES = 100
_T = TypeVar("_T")


@dataclass(frozen=True)
class RecordResult:
    success: bool
    id: str | None
    # True when a record was created (create; upsert that inserted), False for
    # an upsert that updated; None for update, delete and every failure.
    created: bool | None
    error: SalesforceError | None


class SalesforceClient:
    def __init__(
        self,
        connection: Connection,
        *,
        on_call: Callable[[Call], None] | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
        max_query_pages: int = MAX_QUERY_PAGES,
        on_close: Callable[[], None] | None = None,
        pool_size: int = 1,
    ) -> None:
        self.connection = connection
        # Told when the client is closed (the caller tallies the calls it made).
        self._on_close = on_close
        self._max_query_pages = max_query_pages
        self._transport = Transport(
            connection,
            on_call=on_call,
            session=session,
            timeout=timeout,
            write_timeout=write_timeout,
            pool_size=pool_size,
        )
        self._root = connection.api_root
        # Bulk API 2.0 ingest, on the same transport (traced and counted alike).
        self.bulk = BulkIngest(self._transport, self._root)

    def longest_call(self) -> float:
        """The longest one call of this client can take, in seconds."""
        return self._transport.longest_call()

    def close(self) -> None:
        """Close the HTTP session, unless the caller supplied it."""
        self._transport.close()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    def __enter__(self) -> SalesforceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- Reads ---------------------------------------------------------------------

    def query(self, soql: str) -> list[dict[str, Any]]:
        """Every row of a SOQL query, following ``nextRecordsUrl`` page by page (each page is a call).

        ``attributes`` is stripped from rows and nested parent records. An org
        that names a page it already gave, or more pages than the cap, stops
        the query with an error rather than making calls without end.
        """
        rows: list[dict[str, Any]] = []
        page = self._transport.send("GET", f"{self._root}/query", params={"q": soql})
        followed: set[str] = set()
        while True:
            if not isinstance(page, dict) or not isinstance(page.get("records"), list):
                raise _unexpected("a query page without records", page)
            rows += [_without_attributes(row) for row in page["records"]]
            next_url = page.get("nextRecordsUrl")
            if page.get("done", True) or not next_url:
                return rows
            if not isinstance(next_url, str) or not next_url.startswith(f"{self._root}/"):
                raise _unexpected("a nextRecordsUrl outside this API version", next_url)
            if next_url in followed:
                raise SalesforceError(
                    ErrorKind.TRANSIENT,
                    error_code="QUERY_PAGE_REPEATED",
                    message=f"Salesforce sent the query page {next_url} a second time; the query was stopped",
                )
            if len(followed) + 1 >= self._max_query_pages:
                raise SalesforceError(
                    ErrorKind.PERMANENT,
                    error_code="QUERY_TOO_MANY_PAGES",
                    message=f"The query needed more than {self._max_query_pages} pages of results; "
                    "it was stopped after reading that many",
                )
            followed.add(next_url)
            page = self._transport.send("GET", next_url)

    def describe_global(self) -> dict[str, Any]:
        """``GET /sobjects``: the objects the connected user can see."""
        return self._document(f"{self._root}/sobjects")

    def describe(self, sobject: str) -> dict[str, Any]:
        """``GET /sobjects/{sobject}/describe``: the object's fields, record types and flags."""
        return self._document(f"{self._root}/sobjects/{object_name(sobject)}/describe")

    def limits(self) -> dict[str, Any]:
        """``GET /limits``: the org's allocations (``DailyApiRequests`` and others)."""
        return self._document(f"{self._root}/limits")

    def _document(self, path: str) -> dict[str, Any]:
        body = self._transport.send("GET", path)
        if not isinstance(body, dict):
            raise _unexpected("an object", body)
        return body

    # --- Writes --------------------------------------------------------------------

    def create(self, sobject: str, records: list[dict[str, Any]]) -> list[RecordResult]:
        """Create one record per input (``POST /composite/sobjects``)."""
        typed = [_typed(object_name(sobject), record) for record in records]
        return self._in_chunks(
            typed, lambda chunk: self._save("POST", "composite/sobjects", chunk, created=True)
        )

    def update(self, sobject: str, records: list[dict[str, Any]]) -> list[RecordResult]:
        """Update records by their ``Id`` (``PATCH /composite/sobjects``)."""
        name = object_name(sobject)
        for position, record in enumerate(records):
            if not record.get("Id"):
                raise ValueError(f"record {position} has no Id to update")
        typed = [_typed(name, record) for record in records]
        return self._in_chunks(
            typed, lambda chunk: self._save("PATCH", "composite/sobjects", chunk, created=None)
        )

    def upsert(
        self, sobject: str, external_id_field: str, records: list[dict[str, Any]]
    ) -> list[RecordResult]:
        """Insert or update by an external id (``PATCH /composite/sobjects/{sobject}/{field}``).

        Each record carries its ``external_id_field`` value; ``created`` says
        which branch Salesforce took.
        """
        name = object_name(sobject)
        path = f"composite/sobjects/{name}/{object_name(external_id_field)}"
        typed = [_typed(name, record) for record in records]
        return self._in_chunks(typed, lambda chunk: self._save("PATCH", path, chunk, created=None))

    def delete(self, ids: list[str]) -> list[RecordResult]:
        """Delete records by id (``DELETE /composite/sobjects?ids=...&allOrNone=false``).

        An id that is not shaped like a Salesforce id fails alone, as
        Salesforce would fail it (``MALFORMED_ID``), without being sent: it
        could otherwise break the comma-separated list.
        """
        results: list[RecordResult | None] = [None] * len(ids)
        sendable: list[tuple[int, str]] = []
        for position, record_id in enumerate(ids):
            if isinstance(record_id, str) and record_ids.is_valid(record_id):
                sendable.append((position, record_id))
            else:
                results[position] = RecordResult(False, None, None, _malformed_id(record_id))
        sent = self._in_chunks([record_id for _, record_id in sendable], self._delete_chunk)
        for (position, _), result in zip(sendable, sent, strict=True):
            results[position] = result
        return [result for result in results if result is not None]

    def _delete_chunk(self, chunk: list[str]) -> list[RecordResult]:
        body = self._transport.send(
            "DELETE",
            f"{self._root}/composite/sobjects",
            params={"ids": ",".join(chunk), "allOrNone": "false"},
        )
        return _record_results(body, len(chunk), created=None)

    def _save(
        self, method: str, path: str, chunk: list[dict[str, Any]], created: bool | None
    ) -> list[RecordResult]:
        body = self._transport.send(
            method, f"{self._root}/{path}", body={"allOrNone": False, "records": chunk}
        )
        return _record_results(body, len(chunk), created=created)

    def _in_chunks(
        self, items: list[_T], send: Callable[[list[_T]], list[RecordResult]]
    ) -> list[RecordResult]:
        """Results for ``items``, sent ``MAX_COLLECTION_SIZE`` at a time (see the module docstring)."""
        results: list[RecordResult] = []
        for start in range(0, len(items), MAX_COLLECTION_SIZE):
            try:
                results += send(items[start : start + MAX_COLLECTION_SIZE])
            except SalesforceError as error:
                if start == 0:
                    raise
                unsent = len(items) - start
                results += [RecordResult(False, None, None, error)] * unsent
                break
        return results


def _typed(sobject: str, record: dict[str, Any]) -> dict[str, Any]:
    """A Collections record: ``attributes.type`` first, then the caller's fields."""
    typed: dict[str, Any] = {"attributes": {"type": sobject}}
    typed.update((key, value) for key, value in record.items() if key != "attributes")
    return typed


def _record_results(body: Any, expected: int, *, created: bool | None) -> list[RecordResult]:
    """One ``RecordResult`` per Collections row; a body of another shape is a TRANSIENT failure."""
    if not isinstance(body, list) or len(body) != expected or not all(isinstance(r, dict) for r in body):
        raise _unexpected(f"a list of {expected} results", body)
    results = []
    for row in body:
        record_id = row.get("id") if isinstance(row.get("id"), str) else None
        if row.get("success") is True:
            was_created = row["created"] if isinstance(row.get("created"), bool) else created
            results.append(RecordResult(True, record_id, was_created, None))
        else:
            errors = row.get("errors") if isinstance(row.get("errors"), list) else []
            results.append(RecordResult(False, record_id, None, classify_record_error(errors)))
    return results


def _without_attributes(value: Any) -> Any:
    """A query row without Salesforce's ``attributes``, nested parents and child lists included."""
    if isinstance(value, dict):
        return {key: _without_attributes(item) for key, item in value.items() if key != "attributes"}
    if isinstance(value, list):
        return [_without_attributes(item) for item in value]
    return value


def _malformed_id(value: Any) -> SalesforceError:
    return SalesforceError(ErrorKind.PERMANENT, error_code="MALFORMED_ID", message=f"malformed id {value}")


def _unexpected(wanted: str, got: Any) -> SalesforceError:
    """A 2xx answer that is not what the API returns (a proxy's page, a cut body).

    TRANSIENT: nothing says the request was carried out, and it may well work
    next time.
    """
    return SalesforceError(
        ErrorKind.TRANSIENT,
        error_code="UNEXPECTED_RESPONSE",
        message=f"Salesforce answered with {type(got).__name__} where {wanted} was expected",
    )
