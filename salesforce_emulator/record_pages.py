"""The records page: what arrived in an org, object by object.

Served at the instance host's root (where a person would open "their org")
and on the control port under ``/orgs/<org>/records``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Response

from salesforce_emulator import pages, responses

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

_HIDDEN = {"IsDeleted", "CreatedById", "LastModifiedById", "SystemModstamp", "OwnerId", "LastModifiedDate"}
_MAX_COLUMNS = 14
_MAX_ROWS = 500


def render_records_page(org: Org, object_name: str | None, base_path: str) -> Response:
    """The HTML page listing ``object_name``'s newest records (or just the objects)."""
    with org.lock:
        counts = {o.name: org.store.count(o.name) for o in org.schema.objects}
        sobject = org.schema.get(object_name) if object_name else None
        rows = []
        columns: list[str] = []
        if sobject is not None:
            live = [r for r in org.store.all(sobject.name) if not r.get("IsDeleted")]
            rows = [dict(r) for r in live[-_MAX_ROWS:]][::-1]
            present = {k for r in rows for k in r}
            columns = [f.name for f in sobject.fields if f.name in present and f.name not in _HIDDEN]
            columns = columns[:_MAX_COLUMNS]
    title = f"Salesforce emulator: {org.name} org"
    selected = sobject.name if sobject else None
    page = pages.records_page(title, base_path, counts.keys(), selected, columns, rows, counts)
    return responses.html(page)
