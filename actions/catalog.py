"""The six action kinds: their Salesforce object, default trigger, operation and fields.

Pure data (no Django). Defaults follow the action catalog: ``traits.x |
properties.x`` means the trait when present and not null, else the property,
which is the default the hosted products use, so users moving over find what
they know.

A new action starts ready to send what its kind is for: people (Lead,
Contact) are upserted by their email, companies (Account) by the group's id,
and Cases and Opportunities, which events announce as new, are created. A
Custom Object waits for its object, and then for an operation, to be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Mapping = Any


def path(p: str) -> Mapping:
    return {"@path": f"$.{p}"}


def trait_or_property(name: str) -> Mapping:
    trait, prop = f"traits.{name}", f"properties.{name}"
    return {"@if": {"exists": path(trait), "then": path(trait), "else": path(prop)}}


def _address(prefix: str, *, defaulted: bool = True) -> dict[str, Mapping]:
    parts = {
        "City": "city",
        "State": "state",
        "Street": "street",
        "PostalCode": "postal_code",
        "Country": "country",
    }
    return {
        f"{prefix}{sf}": trait_or_property(f"address.{ev}") if defaulted else None for sf, ev in parts.items()
    }


@dataclass(frozen=True)
class KindSpec:
    key: str
    title: str
    sobject: str
    description: str
    default_trigger: str = ""
    # Standard fields offered by the kind with their default mapping (None: no default).
    fields: dict[str, Mapping] = field(default_factory=dict)
    # Required to create when the org's describe is not known.
    required_to_create: tuple[str, ...] = ()
    # The operation a new action starts with ("": the user must choose).
    default_operation: str = ""
    # Record matchers a new action starts with: (Salesforce field, event path).
    default_matchers: tuple[tuple[str, str], ...] = ()

    def default_fields(self) -> dict[str, Mapping]:
        """The field mappings a new action starts with (fields without a default left out)."""
        return {name: mapping for name, mapping in self.fields.items() if mapping is not None}

    def default_record_matchers(self) -> list[dict[str, Any]]:
        """The record matchers a new action starts with, as the action stores them."""
        return [{"field": name, "mapping": {"@path": p}} for name, p in self.default_matchers]


def free_name(title: str, taken: set[str]) -> str:
    """The kind's title as a new action's name, numbered when the destination has one so named."""
    name, number = title, 1
    while name in taken:
        number += 1
        name = f"{title} {number}"
    return name


KINDS: dict[str, KindSpec] = {
    spec.key: spec
    for spec in (
        KindSpec(
            key="lead",
            title="Lead",
            sobject="Lead",
            description="Create, update, or upsert leads in Salesforce.",
            default_trigger='type = "identify"',
            fields={
                "LastName": trait_or_property("last_name"),
                "FirstName": trait_or_property("first_name"),
                "Company": trait_or_property("company"),
                "Email": trait_or_property("email"),
                **_address(""),
            },
            required_to_create=("LastName", "Company"),
            default_operation="upsert",
            default_matchers=(("Email", "$.traits.email"),),
        ),
        KindSpec(
            key="contact",
            title="Contact",
            sobject="Contact",
            description="Create, update, or upsert contacts in Salesforce.",
            fields={
                "LastName": trait_or_property("last_name"),
                "FirstName": trait_or_property("first_name"),
                "Email": trait_or_property("email"),
                "AccountId": None,
                **_address("Mailing"),
            },
            required_to_create=("LastName",),
            default_operation="upsert",
            default_matchers=(("Email", "$.traits.email"),),
        ),
        KindSpec(
            key="account",
            title="Account",
            sobject="Account",
            description="Create, update, or upsert accounts in Salesforce.",
            default_trigger='type = "group"',
            fields={
                "Name": path("traits.name"),
                "AccountNumber": path("groupId"),
                "NumberOfEmployees": trait_or_property("employees"),
                **_address("Billing"),
                **_address("Shipping", defaulted=False),
                "Phone": trait_or_property("phone"),
                "Description": trait_or_property("description"),
                "Website": trait_or_property("website"),
            },
            required_to_create=("Name",),
            default_operation="upsert",
            default_matchers=(("AccountNumber", "$.groupId"),),
        ),
        KindSpec(
            key="case",
            title="Case",
            sobject="Case",
            description="Create, update, or upsert cases in Salesforce.",
            fields={"Description": None},
            default_operation="create",
        ),
        KindSpec(
            key="opportunity",
            title="Opportunity",
            sobject="Opportunity",
            description="Create, update, or upsert opportunities in Salesforce.",
            fields={"Name": None, "StageName": None, "CloseDate": None, "Amount": None, "Description": None},
            required_to_create=("Name", "StageName", "CloseDate"),
            default_operation="create",
        ),
        KindSpec(
            key="custom_object",
            title="Custom Object",
            sobject="",
            description="Create, update, or upsert records in any custom or standard object in Salesforce.",
        ),
    )
}


def kind(key: str) -> KindSpec:
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown action kind {key!r}; one of {', '.join(KINDS)}") from None
