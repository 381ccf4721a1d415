"""Build a ``Schema`` from JSON: the packaged org plus an optional user file.

The JSON uses describe's own key names (``externalId``, ``idLookup``,
``picklistValues``...). Anything a field leaves out gets the value Salesforce
shows for that type, and every object gets the system fields Salesforce adds
to it, so the data file lists only what differs between objects.

A user file has the same shape. An object already in the schema keeps its
fields and gains (or has replaced) the ones the file lists; a new object is
added whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from salesforce_emulator import ids
from salesforce_emulator.schema import Field, RecordType, Schema, SObject

MASTER_RECORD_TYPE_ID = "012000000000000AAA"

_DEFAULT_LENGTH = {"string": 255, "email": 80, "phone": 40, "url": 255, "picklist": 255, "textarea": 255}
_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "int": "xsd:int",
    "long": "xsd:long",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "time": "xsd:time",
}
_NOT_GROUPABLE = {"double", "currency", "percent", "datetime"}
_CAMEL_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def load_schema(
    *,
    person_accounts: bool = False,
    schema_file: str | None = None,
    lead_company_optional: bool = False,
) -> Schema:
    """The packaged schema, extended by ``schema_file`` and the Person Accounts feature."""
    packaged = json.loads(resources.files("salesforce_emulator").joinpath("schema_data.json").read_text())
    field_sets: dict[str, list[dict[str, Any]]] = dict(packaged.get("fieldSets", {}))
    documents = [packaged]
    if schema_file:
        extra = json.loads(Path(schema_file).read_text())
        field_sets.update(extra.get("fieldSets", {}))
        documents.append(extra)

    schema = Schema()
    for document in documents:
        for spec in document.get("objects", []):
            _merge_object(schema, spec, field_sets)
    if person_accounts:
        _enable_person_accounts(schema, packaged["personAccounts"], lead_company_optional)
    return schema


def _merge_object(schema: Schema, spec: dict[str, Any], field_sets: dict[str, list[dict[str, Any]]]) -> None:
    field_specs: list[dict[str, Any]] = []
    for item in spec.get("fields", []):
        if "$include" in item:
            field_specs.extend(field_sets[item["$include"]])
        else:
            field_specs.append(item)
    existing = schema.get(spec["name"])
    if existing is not None:
        for field_spec in field_specs:
            existing.replace_field(build_field(field_spec))
        return
    name = spec["name"]
    sobject = SObject(
        name=name,
        label=spec.get("label", name),
        label_plural=spec.get("labelPlural", spec.get("label", name) + "s"),
        key_prefix=spec["keyPrefix"],
        custom=spec.get("custom", name.endswith("__c")),
        createable=spec.get("createable", True),
        updateable=spec.get("updateable", True),
        deletable=spec.get("deletable", True),
        queryable=spec.get("queryable", True),
        compound_name=tuple(spec.get("compoundName", ())),
    )
    sobject.add_field(_system_field("Id", "id", label=f"{sobject.label} ID", id_lookup=True))
    for field_spec in field_specs:
        sobject.add_field(build_field(field_spec))
    if spec.get("owned", True):
        owner = build_field(
            {
                "name": "OwnerId",
                "label": "Owner ID",
                "type": "reference",
                "referenceTo": ["User"],
                "relationshipName": "Owner",
                "nillable": False,
                "defaultedOnCreate": True,
            }
        )
        sobject.add_field(owner)
    _add_audit_fields(sobject)
    schema.add(sobject)


def _add_audit_fields(sobject: SObject) -> None:
    sobject.add_field(_system_field("IsDeleted", "boolean", label="Deleted"))
    for prefix, label in (("Created", "Created"), ("LastModified", "Last Modified")):
        sobject.add_field(_system_field(f"{prefix}Date", "datetime", label=f"{label} Date"))
        sobject.add_field(
            _system_field(f"{prefix}ById", "reference", label=f"{label} By ID", reference=f"{prefix}By")
        )
    sobject.add_field(_system_field("SystemModstamp", "datetime", label="System Modstamp"))


def _system_field(
    name: str, type_: str, *, label: str, id_lookup: bool = False, reference: str = ""
) -> Field:
    spec: dict[str, Any] = {
        "name": name,
        "label": label,
        "type": type_,
        "nillable": False,
        "createable": False,
        "updateable": False,
        "defaultedOnCreate": True,
        "idLookup": id_lookup,
    }
    if reference:
        spec.update(referenceTo=["User"], relationshipName=reference)
    return build_field(spec)


def build_field(spec: dict[str, Any]) -> Field:
    """One field from its JSON description, with Salesforce's defaults for its type."""
    type_ = spec["type"]
    name = spec["name"]
    length = spec.get("length", _DEFAULT_LENGTH.get(type_, 18 if type_ in ("id", "reference") else 0))
    long_text = type_ == "textarea" and length > 255
    is_boolean = type_ == "boolean"
    default_value = spec.get("defaultValue", False if is_boolean else None)
    picklist = tuple(v if isinstance(v, str) else v["value"] for v in spec.get("picklistValues", ()))
    return Field(
        name=name,
        type=type_,
        label=spec.get("label") or _label_from_name(name),
        length=length,
        precision=spec.get("precision", 0),
        scale=spec.get("scale", 0),
        nillable=spec.get("nillable", not is_boolean),
        createable=spec.get("createable", True),
        updateable=spec.get("updateable", True),
        filterable=spec.get("filterable", not long_text),
        sortable=spec.get("sortable", not long_text),
        groupable=spec.get("groupable", not long_text and type_ not in _NOT_GROUPABLE),
        external_id=spec.get("externalId", False),
        id_lookup=spec.get("idLookup", spec.get("externalId", False)),
        unique=spec.get("unique", False),
        case_sensitive=spec.get("caseSensitive", False),
        defaulted_on_create=spec.get("defaultedOnCreate", is_boolean or default_value is not None),
        default_value=default_value,
        picklist_values=picklist,
        restricted_picklist=spec.get("restrictedPicklist", False),
        reference_to=tuple(spec.get("referenceTo", ())),
        relationship_name=spec.get("relationshipName"),
        custom=spec.get("custom", name.endswith(("__c", "__pc"))),
        calculated=spec.get("calculated", False),
        auto_number=spec.get("autoNumber", False),
        name_field=spec.get("nameField", False),
        compound_field_name=spec.get("compoundFieldName"),
        extra_type_info=spec.get("extraTypeInfo"),
        person_account_only=spec.get("personAccountOnly", False),
    )


def soap_type(field: Field) -> str:
    return _SOAP_TYPES.get(field.type, "xsd:string")


def _label_from_name(name: str) -> str:
    base = name.removesuffix("__pc").removesuffix("__c").replace("_", " ")
    return _CAMEL_WORDS.sub(" ", base) if not name.endswith(("__c", "__pc")) else base


def _enable_person_accounts(schema: Schema, spec: dict[str, Any], lead_company_optional: bool) -> None:
    account = schema.get("Account")
    contact = schema.get("Contact")
    if account is None or contact is None:
        return
    for field_spec in spec["accountFields"]:
        account.replace_field(build_field(field_spec))
    # Every custom Contact field appears on Account as ``Xxx__pc``.
    for contact_field in list(contact.fields):
        if contact_field.name.endswith("__c"):
            mirrored = replace(contact_field, name=contact_field.name[:-3] + "__pc", person_account_only=True)
            account.replace_field(mirrored)
    account.record_types = [
        RecordType(
            record_type_id=ids.to_18(rt["recordTypeId"]),
            name=rt["name"],
            developer_name=rt["developerName"],
            is_person_type=rt.get("isPersonType", False),
            default=rt.get("default", False),
        )
        for rt in spec["recordTypes"]
    ]
    account.compound_name = ("FirstName", "LastName")
    lead = schema.get("Lead")
    if lead_company_optional and lead is not None and (company := lead.field("Company")) is not None:
        lead.replace_field(replace(company, nillable=True))
