"""Placeholder."""

from __future__ import annotations

from typing import Any


class BulkJobs:
    def __init__(self, org: Any) -> None:
        self.org = org

    def cancel_all(self) -> None:
        pass
