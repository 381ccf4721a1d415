"""Which of an org's Account record types make person accounts.

Describe lists the record types (``recordTypeInfos``) without saying which
are person-account types; the RecordType object does (``IsPersonType``). So
where Account's describe has ``IsPersonAccount`` (the org has Person
Accounts), the person types are read once with the describe and kept in the
cached answer under ``PERSON_TYPES_KEY``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from destinations.salesforce.errors import ErrorKind, SalesforceError

if TYPE_CHECKING:
    from destinations.salesforce.client import SalesforceClient

PERSON_TYPES_KEY = "personRecordTypeIds"
# The developer name Salesforce gives the person-account record type it creates.
DEFAULT_PERSON_TYPE = "PersonAccount"
_QUERY = "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"


def has_person_accounts(body: dict[str, Any]) -> bool:
    """Whether a describe answer is Account's in an org with Person Accounts."""
    return body.get("name") == "Account" and any(
        field.get("name") == "IsPersonAccount" for field in body.get("fields", [])
    )


def add_person_types(client: SalesforceClient, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the ids of its person-account record types, where the org has any."""
    if not has_person_accounts(body):
        return body
    try:
        ids = [str(row["Id"]) for row in client.query(_QUERY)]
    except SalesforceError as error:
        if error.kind is not ErrorKind.PERMANENT:
            raise
        # A user who cannot read RecordType still sees the standard person type's name.
        ids = [
            str(info["recordTypeId"])
            for info in body.get("recordTypeInfos", [])
            if info.get("developerName") == DEFAULT_PERSON_TYPE
        ]
    return {**body, PERSON_TYPES_KEY: ids}
