"""No log line holds a write key, whatever its format."""

import io
import json
import logging

from config.log_redaction import RedactWriteKeys
from sources.keys import generate_write_key


class JsonFormatter(logging.Formatter):
    def format(self, record):
        return json.dumps({"level": record.levelname, "message": record.getMessage(), "exc": record.exc_text})


def _logged(formatter, emit):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RedactWriteKeys())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_it_redacts_a_key_passed_as_an_argument_in_text_and_json():
    key = generate_write_key()
    for formatter in (logging.Formatter("%(levelname)s %(message)s"), JsonFormatter()):
        line = _logged(formatter, lambda log: log.warning("refused key %s for %r", key, {"k": key}))

        assert key not in line
        assert "wk_[redacted]" in line


def test_it_redacts_a_key_inside_a_traceback():
    key = generate_write_key()

    def emit(log):
        try:
            raise ValueError(f"bad source for {key}")
        except ValueError:
            log.exception("intake failed")

    line = _logged(logging.Formatter("%(message)s"), emit)

    assert "ValueError: bad source for wk_[redacted]" in line
    assert key not in line


def test_the_project_logging_configuration_uses_it(settings):
    assert "redact_write_keys" in settings.LOGGING["handlers"]["console"]["filters"]
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, RedactWriteKeys) for f in handler.filters)
