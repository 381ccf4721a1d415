"""``/query`` and ``/queryAll``: SOQL results in pages of up to 2,000 rows.

The SOQL engine (``soql``) answers rows; this module adds what the REST
resource adds: ``attributes`` on every record and nested parent, the whole
result's ``totalSize``, ``done``, and ``nextRecordsUrl`` for the next page
(``/services/data/vNN.N/query/01g...-2000``), kept in a cursor until read.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from salesforce_emulator import errors, ids, responses, soql
from salesforce_emulator.calls import Call
from salesforce_emulator.errors import ApiError, RecordError
from salesforce_emulator.record_json import record_url
from salesforce_emulator.schema import SObject

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

_CURSOR_IDLE_SECONDS = 15 * 60
_MAX_CURSORS = 1000


@dataclass
class Cursor:
    object_name: str
    total_size: int
    rows: list[tuple[str, dict[str, Any]]]
    touched: float = field(default_factory=time.monotonic)


class QueryCursors:
    """Unread pages of query results, by locator; idle or surplus ones are dropped."""

    def __init__(self) -> None:
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, locator: str, cursor: Cursor) -> None:
        with self._lock:
            self._cursors[locator] = cursor
            while len(self._cursors) > _MAX_CURSORS:
                self._cursors.popitem(last=False)

    def get(self, locator: str) -> Cursor | None:
        now = time.monotonic()
        with self._lock:
            cursor = self._cursors.get(locator)
            if cursor is None or now - cursor.touched > _CURSOR_IDLE_SECONDS:
                self._cursors.pop(locator, None)
                return None
            cursor.touched = now
            self._cursors.move_to_end(locator)
            return cursor


def handle(call: Call) -> Response:
    call.allow(["GET", "HEAD"])
    resource = call.segments[0]
    if len(call.segments) == 2:
        return _next_page(call, resource, call.segments[1])
    if len(call.segments) > 2:
        raise errors.not_found()
    text = call.request.args.get("q")
    if text is None:
        raise errors.malformed_query("A query string has to be specified")
    if not text.strip():
        raise errors.malformed_query("SOQL statements cannot be empty or null")
    org = call.org
    with org.lock:
        try:
            result = soql.execute(text, org.schema, org.store, include_deleted=resource == "queryAll")
        except soql.SoqlError as exc:
            raise ApiError(400, RecordError(exc.error_code, exc.message, None)) from None
    if result.is_count:
        return responses.json_response({"totalSize": result.total_size, "done": True, "records": []})
    cursor = Cursor(result.object_name, result.total_size, result.rows)
    return _page(call, resource, org.minter.mint("01g"), cursor, 0)


def _next_page(call: Call, resource: str, locator: str) -> Response:
    cursor_id, _, offset_text = locator.rpartition("-")
    cursor = call.org.cursors.get(cursor_id)
    if cursor is None or not offset_text.isdigit() or int(offset_text) > len(cursor.rows):
        raise errors.invalid_query_locator()
    return _page(call, resource, cursor_id, cursor, int(offset_text))


def _page_size(call: Call) -> int:
    size = call.org.config.query_page_size
    hint = call.request.headers.get("Sforce-Query-Options", "")
    for option in hint.split(","):
        name, _, value = option.strip().partition("=")
        if name.strip() == "batchSize" and value.strip().isdigit():
            # A hint only: Salesforce keeps it between 200 and 2,000.
            size = min(size, max(200, min(2000, int(value))))
    return size


def _page(call: Call, resource: str, cursor_id: str, cursor: Cursor, offset: int) -> Response:
    org = call.org
    end = offset + _page_size(call)
    sobject = org.schema.get(cursor.object_name)
    assert sobject is not None
    with org.lock:
        records = [_render(org, call.base, sobject, row_id, row) for row_id, row in cursor.rows[offset:end]]
    body: dict[str, Any] = {"totalSize": cursor.total_size, "done": end >= len(cursor.rows)}
    if end < len(cursor.rows):
        org.cursors.open(cursor_id, cursor)
        body["nextRecordsUrl"] = f"{call.base}/{resource}/{cursor_id}-{end}"
    body["records"] = records
    return responses.json_response(body)


def _render(org: Org, base: str, sobject: SObject, record_id: str, row: dict[str, Any]) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "attributes": {"type": sobject.name, "url": record_url(base, sobject.name, record_id)}
    }
    record = org.store.get(sobject.name, record_id) or {}
    for key, value in row.items():
        rendered[key] = (
            _render_parent(org, base, sobject, record, key, value) if isinstance(value, dict) else value
        )
    return rendered


def _render_parent(
    org: Org, base: str, child: SObject, child_record: dict[str, Any], relationship: str, row: dict[str, Any]
) -> dict[str, Any]:
    """A nested parent (``Account: {Name: ...}``) with its own ``attributes``."""
    reference = next(
        (
            f
            for f in child.fields
            if f.relationship_name and f.relationship_name.lower() == relationship.lower()
        ),
        None,
    )
    parent_id = child_record.get(reference.name) if reference else None
    if reference is None or not isinstance(parent_id, str) or not ids.is_valid(parent_id):
        return row
    parent = org.schema.by_key_prefix(parent_id[:3]) or org.schema.get(reference.reference_to[0])
    if parent is None:
        return row
    parent_record = org.store.get(parent.name, ids.to_18(parent_id)) or {}
    rendered: dict[str, Any] = {
        "attributes": {"type": parent.name, "url": record_url(base, parent.name, parent_id)}
    }
    for key, value in row.items():
        nested = isinstance(value, dict)
        rendered[key] = _render_parent(org, base, parent, parent_record, key, value) if nested else value
    return rendered
