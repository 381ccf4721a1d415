"""The figures of the destination page's API budget gauge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from destinations import api_budget
from destinations.models import Destination


@dataclass(frozen=True)
class Gauge:
    ours: int  # calls this destination spent in the last 24 hours
    limit: int | None  # its budget in calls per 24 hours (None: the org's limit is not known yet)
    percent: int | None  # the share of the org's limit, when the budget is one
    org_used: int | None  # the org's calls as Salesforce last reported them
    org_max: int | None  # the org's daily limit
    resumes_at: datetime | None  # when a spent budget frees up

    @property
    def reached(self) -> bool:
        return self.limit is not None and self.ours >= self.limit

    @property
    def warn_at(self) -> int | None:
        """Where the meter turns to a warning: 80 % of the budget."""
        return None if self.limit is None else self.limit * 4 // 5


def read(destination: Destination, now: datetime | None = None) -> Gauge:
    budget = api_budget.read(destination, now)
    return Gauge(
        ours=budget.used,
        limit=budget.limit,
        percent=None if destination.api_budget_calls is not None else destination.api_budget_percent,
        org_used=destination.api_requests_used,
        org_max=destination.api_requests_max,
        resumes_at=budget.resumes_at,
    )
