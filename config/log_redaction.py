"""A logging filter that keeps write keys out of every log line.

Write keys live in customers' web pages, but whoever holds one can send
events into that source, so a log (read by more people than the database,
shipped to other systems) must never hold one. Nothing in the project logs a
key on purpose; this filter is the net under that rule, whatever the format
of the handler (text or JSON) that receives the record.
"""

from __future__ import annotations

import logging
import re

from sources.keys import KEY_PREFIX

_WRITE_KEY = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_-]{8,}")
REDACTED = KEY_PREFIX + "[redacted]"


def redact(text: str) -> str:
    """``text`` with every write key replaced."""
    return _WRITE_KEY.sub(REDACTED, text)


class RedactWriteKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            # The formatted message replaces the template and its arguments,
            # so every formatter (text or JSON) sees only the redacted text.
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
