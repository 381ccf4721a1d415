"""What the SOQL engine needs from the emulator's record store."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Protocol


class RecordSource(Protocol):
    """Records of the emulated org, as dicts keyed by canonical field names."""

    def all(self, object_name: str) -> Iterable[dict[str, Any]]:
        """Every record of the object, deleted ones (``IsDeleted: True``) included."""
        ...

    def lookup(
        self, object_name: str, field_name: str, values: Collection[Any]
    ) -> Iterable[dict[str, Any]] | None:
        """Equality candidates, or None when the store has no index for the field.

        Every record whose field equals one of ``values`` (strings compared
        case-insensitively, as the store indexes them), possibly a superset.
        The engine asks with the literal strings of the query (ids in both
        their 18- and 15-character forms) and re-checks every candidate, so
        an index that folds case at least as much as ``str.lower`` is safe.
        """
        ...
