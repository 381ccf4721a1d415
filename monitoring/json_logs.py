"""``LOG_FORMAT=json``: one JSON object per log line, for log shippers.

Kept free of Django imports: logging is configured before the apps load.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from monitoring import log_context


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **log_context.current(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # default=str: an odd argument must not cost the log line.
        return json.dumps(line, default=str)
