"""The emulator's SOQL engine: parse, check against the schema, evaluate.

    result = execute("SELECT Id, Email FROM Lead WHERE Email IN ('a@x')", schema, store)

Errors are ``SoqlError`` with Salesforce's ``error_code`` (``MALFORMED_QUERY``,
``INVALID_FIELD``, ``INVALID_TYPE``, ``INVALID_QUERY_FILTER_OPERATOR``) and
message, caret block included, ready for the REST error body.
"""

from __future__ import annotations

from .errors import SoqlError
from .execute import execute
from .result import QueryResult
from .source import RecordSource

__all__ = ["QueryResult", "RecordSource", "SoqlError", "execute"]
