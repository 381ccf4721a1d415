"""The CSV files a Bulk API 2.0 ingest job uploads (pure: no Django, no I/O).

Salesforce's rules, exactly: comma-delimited, LF line endings, RFC 4180
quoting (a value holding a comma, a quote or a line break is quoted, quotes
doubled), nothing trimmed. The header is the union of the records' fields in
the order they first appear. A field a record does not have is an empty
cell, which leaves the field unchanged; ``None`` is ``#N/A`` (set to null)
only when the action clears fields on null, else an empty cell too.

A job takes one upload of at most 100 MB; a batch whose file would be
larger is split into several files, one job each.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from destinations.salesforce.types import text

# Salesforce takes 150 MB after base64-encoding an upload, about 100 MB raw.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
NULL = "#N/A"
_NEEDS_QUOTES = (",", '"', "\n", "\r")


@dataclass(frozen=True)
class Upload:
    """One job's file, and the positions (in the input) of the records it holds."""

    data: str
    positions: tuple[int, ...]


def header(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every field of the records, in the order each first appears."""
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    return list(names)


def written(value: Any, *, clear_on_null: bool) -> str:
    """One value as the text of its cell, before quoting (what result files echo back)."""
    if value is None:
        return NULL if clear_on_null else ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return text(value)


def cell(value: Any, *, clear_on_null: bool) -> str:
    """One value as Salesforce reads it in a Bulk CSV, quoted when it has to be."""
    written_text = written(value, clear_on_null=clear_on_null)
    if any(mark in written_text for mark in _NEEDS_QUOTES):
        return '"' + written_text.replace('"', '""') + '"'
    return written_text


def build(records: Sequence[Mapping[str, Any]], *, clear_on_null: bool) -> str:
    """The whole file for ``records``: header line, then a line per record."""
    columns = header(records)
    lines = [",".join(cell(name, clear_on_null=False) for name in columns)]
    lines += [_line(record, columns, clear_on_null) for record in records]
    return "\n".join(lines) + "\n"


def split(
    records: Sequence[Mapping[str, Any]], *, clear_on_null: bool, max_bytes: int = MAX_UPLOAD_BYTES
) -> list[Upload]:
    """Files of at most ``max_bytes`` (UTF-8) that together hold every record once, in order.

    Records are measured against the header of the whole batch; each file
    then gets the header of its own records, which is never longer, so no
    file exceeds the limit. A record too large for any file goes alone.
    """
    if not records:
        return []
    columns = header(records)
    header_bytes = len(",".join(cell(n, clear_on_null=False) for n in columns).encode()) + 1
    parts: list[list[int]] = [[]]
    size = header_bytes
    for position, record in enumerate(records):
        line_bytes = len(_line(record, columns, clear_on_null).encode()) + 1
        if parts[-1] and size + line_bytes > max_bytes:
            parts.append([])
            size = header_bytes
        parts[-1].append(position)
        size += line_bytes
    return [
        Upload(build([records[p] for p in part], clear_on_null=clear_on_null), tuple(part)) for part in parts
    ]


def _line(record: Mapping[str, Any], columns: list[str], clear_on_null: bool) -> str:
    line = ",".join(
        cell(record[name], clear_on_null=clear_on_null) if name in record else "" for name in columns
    )
    # A one-column record with nothing in it would be a blank line, which a
    # reader skips; a quoted empty cell keeps the row.
    return line or '""'
