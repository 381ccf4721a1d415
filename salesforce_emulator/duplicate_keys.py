"""Rows of one upsert request that share an external-id value.

Salesforce does not pick one of them to win: it fails each of them with
DUPLICATE_EXTERNAL_ID ("Duplicate external id specified: VALUE") and writes
the others. This holds for an sObject Collections upsert and for the rows of
a Bulk upsert, whose keys are compared as the field compares them (without
regard to case unless the field is case-sensitive).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org
    from salesforce_emulator.schema import Field


def comparable(org: Org, field: Field, value: Any) -> Any:
    """``value`` as the field's matching sees it."""
    case_sensitive = field.case_sensitive or not org.config.external_id_case_insensitive
    text = value if isinstance(value, str) else str(value)
    return text if case_sensitive else text.lower()


def repeated(org: Org, field: Field, keys: Iterable[Any]) -> set[Any]:
    """The keys (as ``comparable`` gives them) found more than once; empty keys are not counted."""
    counts = Counter(comparable(org, field, key) for key in keys if key not in (None, ""))
    return {key for key, count in counts.items() if count > 1}
