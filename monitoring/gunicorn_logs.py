"""gunicorn's own log lines (start-up, access) in the format ``LOG_FORMAT`` asks for.

gunicorn configures its loggers itself, apart from Django's; this class
gives its handlers the JSON formatter when ``LOG_FORMAT=json``, so that a
log shipper reading the web process gets JSON on every line.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from monitoring.json_logs import JsonFormatter


class GunicornLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if os.environ.get("LOG_FORMAT", "").strip().lower() != "json":
            return
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
