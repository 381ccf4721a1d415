"""The Data Out filter: query-string parameters read into checked values (pure).

The filter lives in the URL so that a view can be bookmarked and shared, and
so that the page, its htmx rows, the CSV export and "retry all failed" all
see exactly the same deliveries. A value that cannot be understood is an
error the user sees, never silently dropped: a filter that quietly matched
more than asked would make "retry all" retry the wrong deliveries.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

STATUSES = ("pending", "sending", "delivered", "failed", "retrying", "multiple_matches", "held")
# Time ranges offered next to "custom" (from and to) and "any time" ("").
RANGES = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
RANGE_LABELS = {
    "": "Any time",
    "1h": "Last hour",
    "24h": "Last 24 hours",
    "7d": "Last 7 days",
    "custom": "Custom",
}
# Salesforce ids are 15 or 18 letters and digits (a Bulk job id starts with 750).
_SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
MAX_SEARCH = 255
# The parameters a filter is made of; anything else in the query string
# (a page cursor, the polling cursor) is not part of the filter.
PARAMS = ("status", "action", "range", "from", "to", "q", "bulk_job", "error", "replayed")
# Whether deliveries made by a replay are shown alone ("yes") or left out ("no").
REPLAYED = ("yes", "no")
# Salesforce error codes, and our own, are upper-case words joined by underscores.
_ERROR_CODE = re.compile(r"[A-Za-z0-9_]{1,100}")


@dataclass(frozen=True)
class Filter:
    status: str = ""
    action_id: str = ""
    range: str = ""
    start: datetime | None = None  # inclusive, UTC
    end: datetime | None = None  # exclusive, UTC
    search: str = ""
    bulk_job: str = ""
    error: str = ""  # a Salesforce errorCode
    replayed: str = ""  # "yes", "no" or "" (both)
    # The parameters as given, for links and for refilling the form.
    params: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.params

    @property
    def chosen_range(self) -> str:
        """The range the form shows as chosen: "custom" for dates without a range, as typed after an error."""
        return self.range or self.params.get("range", "")

    def query_string(self, **extra: str | int) -> str:
        """The filter as a query string (without "?"), with ``extra`` parameters added."""
        return urlencode({**self.params, **{k: str(v) for k, v in extra.items()}})


class FilterError(ValueError):
    """The query string holds a value the filter cannot use; the message says which and why."""


def parse(query: Mapping[str, str], now: datetime) -> Filter:
    """Read the filter from query-string parameters; raise ``FilterError`` on a bad value.

    Empty parameters count as absent, so that a submitted form with blank
    fields means "no filter" for those fields.
    """
    params = {name: query[name].strip() for name in PARAMS if query.get(name, "").strip()}
    status = params.get("status", "")
    if status and status not in STATUSES:
        raise FilterError(f"Unknown status {status!r}: choose one of {', '.join(STATUSES)}.")
    action_id = params.get("action", "")
    if action_id:
        action_id = _uuid(action_id, "action")
    search = params.get("q", "")
    if len(search) > MAX_SEARCH:
        raise FilterError(f"The search is too long: at most {MAX_SEARCH} characters.")
    bulk_job = params.get("bulk_job", "")
    if bulk_job and not _SALESFORCE_ID.fullmatch(bulk_job):
        raise FilterError(f"{bulk_job!r} is not a Bulk job id: 15 or 18 letters and digits.")
    error = params.get("error", "")
    if error and not _ERROR_CODE.fullmatch(error):
        raise FilterError(f"{error!r} is not an error code such as REQUIRED_FIELD_MISSING.")
    replayed = params.get("replayed", "")
    if replayed and replayed not in REPLAYED:
        raise FilterError(f"Unknown value {replayed!r} for replayed: choose yes or no.")
    range_, start, end = _time_range(params, now)
    return Filter(
        status=status,
        action_id=action_id,
        range=range_,
        start=start,
        end=end,
        search=search,
        bulk_job=bulk_job,
        error=error,
        replayed=replayed,
        params=params,
    )


def _uuid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise FilterError(f"{value!r} is not an {what} id.") from exc


def _time_range(params: dict[str, str], now: datetime) -> tuple[str, datetime | None, datetime | None]:
    range_ = params.get("range", "")
    if range_ in RANGES:
        return range_, now - RANGES[range_], None
    if range_ not in ("", "custom"):
        choices = ", ".join(r for r in RANGE_LABELS if r)
        raise FilterError(f"Unknown time range {range_!r}: choose one of {choices}.")
    has_bounds = "from" in params or "to" in params
    if range_ == "custom" and not has_bounds:
        raise FilterError("A custom time range needs a 'from' or a 'to' time.")
    if not has_bounds:
        return "", None, None
    start = _moment(params["from"], "from") if "from" in params else None
    end = _moment(params["to"], "to", end_of_day=True) if "to" in params else None
    if start and end and end <= start:
        raise FilterError("The 'to' time must be after the 'from' time.")
    return "custom", start, end


def _moment(value: str, name: str, *, end_of_day: bool = False) -> datetime:
    """A UTC time from a date (``2026-11-29``) or a date and time (``2026-11-29T14:30``).

    A date alone as the end of a range includes that whole day.
    """
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise FilterError(
            f"The {name!r} time {value!r} is not a date (2026-11-29) or a date and time (2026-11-29T14:30)."
        ) from exc
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if end_of_day and "T" not in value and " " not in value:
        moment += timedelta(days=1)
    return moment
