"""What a query answers, before the server adds attributes and pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class QueryResult:
    object_name: str  # canonical name of the FROM object
    total_size: int  # rows after OFFSET and LIMIT, as Salesforce's totalSize
    # (record Id, selected fields in SELECT order under canonical names;
    # parent fields nested: {"Account": {"Name": ...}} or {"Account": None})
    rows: list[tuple[str, dict[str, Any]]]
    is_count: bool  # SELECT COUNT(): rows empty, total_size is the count
