"""Salesforce's rules for a field's API name (no Django, no I/O).

A name that breaks them cannot exist in any org, so it is refused by name
when an action is saved and again when it is sent: it never reaches a query
or a request body. The rules: letters, digits and underscores only; starts
with a letter; no underscore at the start or end of a part, so no "___";
"__" only between a namespace prefix, the name and a suffix that Salesforce
gives (``__c`` custom, ``__r`` relationship, ``__pc``/``__pr`` person
account, ``__s`` compound sub-field); at most 40 characters to a part.
"""

from __future__ import annotations

import re

# One part between double underscores: a letter, then letters, digits and single underscores.
_PART = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$")
SUFFIXES = ("c", "r", "pc", "pr", "s")
MAX_PART_LENGTH = 40
# Namespace (15) + name (40) + a geolocation sub-field and suffixes: no real name is longer.
MAX_LENGTH = 120


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a Salesforce field's API name, or None when it can."""
    quoted = f'"{name}"'
    if not name:
        return "A Salesforce field name cannot be empty."
    if len(name) > MAX_LENGTH:
        return f'{quoted[:60]}…" is longer than any Salesforce field name ({MAX_LENGTH} characters at most).'
    parts = name.split("__")
    if len(parts) > 1 and parts[-1].lower() not in SUFFIXES:
        return (
            f"{quoted} is not a Salesforce field name: a double underscore only comes before a suffix "
            "such as __c (custom fields) or __r, or after a namespace prefix."
        )
    if len(parts) > 4:
        return f"{quoted} is not a Salesforce field name: it has too many double underscores."
    # A suffix part is a known suffix; every other part must be a name.
    for part in parts[:-1] if len(parts) > 1 else parts:
        if not _PART.match(part):
            return (
                f"{quoted} is not a Salesforce field name: use letters, digits and single underscores, "
                "starting with a letter (custom fields end in __c)."
            )
        if len(part) > MAX_PART_LENGTH:
            return f"{quoted} is not a Salesforce field name: a name part has {MAX_PART_LENGTH} characters at most."
    return None
