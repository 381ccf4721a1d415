"""A SOQL string quoter for the tests, written from the documented escapes."""

_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def quote(value: str) -> str:
    """``value`` as a quoted SOQL literal for ``=`` and ``IN`` (not LIKE)."""
    return "'" + "".join(_ESCAPES.get(char, char) for char in value) + "'"
