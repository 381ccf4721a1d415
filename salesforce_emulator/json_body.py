"""Reading JSON request bodies the way Salesforce's parser reports problems.

Salesforce parses bodies with Jackson, whose messages end with the position
of the problem as ``at [line:L, column:C]``; clients and people read those,
so the emulator reports positions the same way.
"""

from __future__ import annotations

import json
from typing import Any

from salesforce_emulator import errors
from salesforce_emulator.values import JsonTypeError

_DECODER = json.JSONDecoder()


def parse(raw: bytes) -> tuple[Any, str]:
    """The decoded body and its text; raises ``ApiError`` (JSON_PARSER_ERROR)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.json_parser_error("Invalid UTF-8 start byte at [line:1, column:1]") from None
    if not text.strip():
        raise errors.json_parser_error("No content to map due to end-of-input at [line:1, column:0]")
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        char = text[exc.pos] if exc.pos < len(text) else ""
        detail = f"Unexpected character ('{char}' (code {ord(char)}))" if char else "Unexpected end-of-input"
        raise errors.json_parser_error(
            f"{detail}: {exc.msg} at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None


def position_after(text: str, key: str, start: int = 0) -> tuple[int, int, int]:
    """Line, column and offset just past the value of ``"key":`` found after ``start``."""
    needle = json.dumps(key)
    index = text.find(needle, start)
    end = len(text)
    if index >= 0:
        colon = text.find(":", index + len(needle))
        value_start = colon + 1
        while value_start < len(text) and text[value_start] in " \t\r\n":
            value_start += 1
        try:
            _, end = _DECODER.raw_decode(text, value_start)
        except json.JSONDecodeError:
            end = value_start
    line = text.count("\n", 0, end) + 1
    column = end - (text.rfind("\n", 0, end) + 1) + 1
    return line, column, end


def type_error(exc: JsonTypeError, text: str, key: str, start: int = 0) -> errors.ApiError:
    """The 400 answer for a value of the wrong JSON type."""
    line, column, _ = position_after(text, key, start)
    return errors.json_parser_error(
        errors.json_type_mismatch(exc.type_name, exc.token, exc.shown, line, column)
    )
