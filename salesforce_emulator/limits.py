"""The daily API request allocation of one org, and the ``/limits`` document.

Every counted call uses one request; when none are left Salesforce refuses
calls with ``403 REQUEST_LIMIT_EXCEEDED`` until the (rolling) day frees some.
The emulator's day never rolls: ``reset()`` starts a new one.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesforce_emulator.config import EmulatorConfig

# Allocations the emulator reports but does not enforce (integers, as current versions report them).
_STATIC_LIMITS = {
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentSyncReportRuns": 20,
    "DailyAsyncApexExecutions": 250000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 1000,
    "FileStorageMB": 20,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyODataCallout": 10000,
    "HourlySyncReportRuns": 500,
    "MassEmail": 10,
    "SingleEmail": 15,
    "StreamingApiConcurrentClients": 20,
}
# Salesforce charges 2 KB of data storage for most records.
_RECORD_KB = 2


class ApiLimits:
    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self.used = 0
        # None: follow ``config.daily_api_limit``; a number pins this org's allocation.
        self.max_override: int | None = None
        self.bulk_batches_used = 0

    @property
    def max(self) -> int:
        return self.max_override if self.max_override is not None else self._config.daily_api_limit

    def consume(self) -> bool:
        """Use one request; False (and nothing used) when the allocation is spent."""
        with self._lock:
            if self.used >= self.max:
                return False
            self.used += 1
            return True

    def header(self) -> str:
        """The ``Sforce-Limit-Info`` value."""
        return f"api-usage={min(self.used, self.max)}/{self.max}"

    def document(self, record_count: int) -> dict[str, Any]:
        """The ``/limits`` resource."""
        data_max = 200
        data_used = (record_count * _RECORD_KB + 1023) // 1024
        document: dict[str, Any] = {
            "DailyApiRequests": {"Max": self.max, "Remaining": max(0, self.max - self.used)},
            "DailyBulkApiBatches": {"Max": 15000, "Remaining": max(0, 15000 - self.bulk_batches_used)},
            "DataStorageMB": {"Max": data_max, "Remaining": max(0, data_max - data_used)},
        }
        for name, maximum in _STATIC_LIMITS.items():
            document[name] = {"Max": maximum, "Remaining": maximum}
        return dict(sorted(document.items()))
