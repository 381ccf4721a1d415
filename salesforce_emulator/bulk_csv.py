"""Bulk API 2.0 CSV, read strictly and written as Salesforce writes results.

Reading follows the job's declared column delimiter and line ending and
RFC 4180 quoting, and trims nothing: a quote that is not the whole field
(``"John", "Smith"``, ``a"b``) makes that row an error, as Salesforce's
docs say. A line ending other than the declared one fails the whole job.

Result files quote the two ``sf__`` headers and every value, echo the
uploaded header names as sent, and use the job's delimiter and line ending.
"""

from __future__ import annotations

from dataclasses import dataclass

DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


class CsvJobError(Exception):
    """A problem with the whole file: the job fails with this message."""


@dataclass
class CsvRow:
    cells: list[str]
    error: str | None = None  # why the row cannot be read, if it cannot


def split_records(text: str, line_ending: str) -> list[str]:
    """The file's records (header first), split on line endings outside quotes.

    Raises ``CsvJobError`` when the file uses another line ending than declared.
    """
    ending = LINE_ENDINGS[line_ending]
    records: list[str] = []
    start = 0
    quoted = False
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            if text.startswith("\r\n", index):
                found = "\r\n"
            elif char == "\n":
                found = "\n"
            else:
                index += 1
                continue
            if found != ending:
                message = "ClientInputError : LineEnding is invalid on user data."
                raise CsvJobError(f"{message} Current LineEnding setting is {line_ending}")
            records.append(text[start:index])
            index += len(found)
            start = index
            continue
        index += 1
    if start < length:
        records.append(text[start:])
    return records


def parse_record(record: str, delimiter: str) -> CsvRow:
    """One record's cells, or the reason it is malformed."""
    cells: list[str] = []
    index = 0
    length = len(record)
    while True:
        if index < length and record[index] == '"':
            value, index, error = _quoted(record, index, delimiter)
            if error:
                return CsvRow(cells, error)
        else:
            end = record.find(delimiter, index)
            end = length if end < 0 else end
            value = record[index:end]
            if '"' in value:
                return CsvRow(cells, "a double quote inside an unquoted value (or a space before a quote)")
            index = end
        cells.append(value)
        if index >= length:
            return CsvRow(cells)
        index += len(delimiter)
        if index == length:
            cells.append("")
            return CsvRow(cells)


def _quoted(record: str, index: int, delimiter: str) -> tuple[str, int, str | None]:
    parts = []
    index += 1
    while True:
        close = record.find('"', index)
        if close < 0:
            return "", index, "an unterminated quoted value"
        parts.append(record[index:close])
        if record.startswith('""', close):
            parts.append('"')
            index = close + 2
            continue
        after = close + 1
        if after < len(record) and not record.startswith(delimiter, after):
            return "", after, "a character after the closing quote (or a space after a quote)"
        return "".join(parts), after, None


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def result_file(
    first: str,
    second: str,
    header: list[str],
    rows: list[tuple[str, str, list[str]]],
    delimiter: str,
    line_ending: str,
) -> str:
    """A successfulResults or failedResults file: two ``sf__`` columns, then the upload's."""
    ending = LINE_ENDINGS[line_ending]
    lines = [delimiter.join([quote(first), quote(second), *header])]
    for one, two, cells in rows:
        lines.append(delimiter.join([quote(one), quote(two), *(quote(c) for c in cells)]))
    return ending.join(lines) + ending


def unprocessed_file(header: list[str], rows: list[list[str]], delimiter: str, line_ending: str) -> str:
    ending = LINE_ENDINGS[line_ending]
    lines = [delimiter.join(header)] if header else []
    lines += [delimiter.join(quote(c) for c in cells) for cells in rows]
    return ending.join(lines) + ending if lines else ""
