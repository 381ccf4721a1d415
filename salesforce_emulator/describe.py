"""Describe documents: global describe, object describe, basic info.

Built from the same ``Schema`` the validator enforces, so what describe says
a field allows is what a write may do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesforce_emulator.schema import NUMBER_TYPES, Field, SObject
from salesforce_emulator.schema_loader import MASTER_RECORD_TYPE_ID, soap_type
from salesforce_emulator.values import TEXT_TYPES

if TYPE_CHECKING:
    from salesforce_emulator.orgs import Org

_MERGEABLE = {"Account", "Contact", "Lead", "Case"}
_AUDIT_FIELDS = {"CreatedById", "LastModifiedById", "OwnerId"}


def object_summary(sobject: SObject, base: str) -> dict[str, Any]:
    """An object as global describe lists it."""
    url = f"{base}/sobjects/{sobject.name}"
    return {
        "activateable": False,
        "createable": sobject.createable,
        "custom": sobject.custom,
        "customSetting": False,
        "deepCloneable": False,
        "deletable": sobject.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": not sobject.custom,
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": sobject.key_prefix,
        "label": sobject.label,
        "labelPlural": sobject.label_plural,
        "layoutable": True,
        "mergeable": sobject.name in _MERGEABLE,
        "mruEnabled": True,
        "name": sobject.name,
        "queryable": sobject.queryable,
        "replicateable": True,
        "retrieveable": True,
        "searchable": True,
        "triggerable": True,
        "undeletable": sobject.deletable,
        "updateable": sobject.updateable,
        "urls": {"sobject": url, "describe": f"{url}/describe", "rowTemplate": f"{url}/{{ID}}"},
    }


def describe_global(org: Org, base: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [object_summary(o, base) for o in org.schema.objects],
    }


def describe_object(org: Org, sobject: SObject, base: str) -> dict[str, Any]:
    """``GET /sobjects/{Object}/describe``."""
    document = object_summary(sobject, base)
    url = f"{base}/sobjects/{sobject.name}"
    document.update(
        actionOverrides=[],
        childRelationships=_child_relationships(org, sobject),
        compactLayoutable=True,
        fields=[describe_field(f) for f in sobject.fields],
        namedLayoutInfos=[],
        networkScopeFieldName=None,
        recordTypeInfos=_record_types(sobject, url),
        searchLayoutable=True,
        sobjectDescribeOption="FULL",
        supportedScopes=[{"label": "All records", "name": "everything"}],
    )
    document["urls"] = {
        **document["urls"],
        "compactLayouts": f"{url}/describe/compactLayouts",
        "approvalLayouts": f"{url}/describe/approvalLayouts",
        "listviews": f"{url}/listviews",
        "quickActions": f"{url}/quickActions",
        "layouts": f"{url}/describe/layouts",
    }
    return dict(sorted(document.items()))


def describe_field(field: Field) -> dict[str, Any]:
    """One entry of describe's ``fields``."""
    is_text = field.type in TEXT_TYPES
    is_int = field.type in ("int", "long")
    picklist = [
        {
            "active": True,
            "defaultValue": value == field.default_value,
            "label": value,
            "validFor": None,
            "value": value,
        }
        for value in field.picklist_values
    ]
    return {
        "aggregatable": field.groupable or field.type in NUMBER_TYPES,
        "aiPredictionField": False,
        "autoNumber": field.auto_number,
        "byteLength": field.length * 3 if is_text else 0,
        "calculated": field.calculated,
        "calculatedFormula": None,
        "cascadeDelete": False,
        "caseSensitive": field.case_sensitive,
        "compoundFieldName": field.compound_field_name,
        "controllerName": None,
        "createable": field.createable,
        "custom": field.custom,
        "defaultValue": field.default_value if field.type != "boolean" else bool(field.default_value),
        "defaultValueFormula": None,
        "defaultedOnCreate": field.defaulted_on_create,
        "dependentPicklist": False,
        "deprecatedAndHidden": False,
        "digits": (field.precision or 9) if is_int else 0,
        "displayLocationInDecimal": False,
        "encrypted": False,
        "externalId": field.external_id,
        "extraTypeInfo": field.extra_type_info,
        "filterable": field.filterable,
        "filteredLookupInfo": None,
        "formulaTreatNullNumberAsZero": False,
        "groupable": field.groupable,
        "highScaleNumber": False,
        "htmlFormatted": False,
        "idLookup": field.id_lookup,
        "inlineHelpText": None,
        "label": field.label,
        "length": field.length if is_text else 0,
        "mask": None,
        "maskType": None,
        "name": field.name,
        "nameField": field.name_field,
        "namePointing": False,
        "nillable": field.nillable,
        "permissionable": field.nillable and field.createable,
        "picklistValues": picklist,
        "polymorphicForeignKey": len(field.reference_to) > 1,
        "precision": 0 if is_int else field.precision,
        "queryByDistance": False,
        "referenceTargetField": None,
        "referenceTo": list(field.reference_to),
        "relationshipName": field.relationship_name,
        "relationshipOrder": None,
        "restrictedDelete": False,
        "restrictedPicklist": field.restricted_picklist,
        "scale": field.scale,
        "searchPrefilterable": field.type == "reference",
        "soapType": soap_type(field),
        "sortable": field.sortable,
        "type": field.type,
        "unique": field.unique,
        "updateable": field.updateable,
        "writeRequiresMasterRead": False,
    }


def _child_relationships(org: Org, sobject: SObject) -> list[dict[str, Any]]:
    children = []
    for child in org.schema.objects:
        for field in child.fields:
            if sobject.name in field.reference_to and field.name not in _AUDIT_FIELDS:
                plural = child.label_plural.replace(" ", "")
                children.append(
                    {
                        "cascadeDelete": False,
                        "childSObject": child.name,
                        "deprecatedAndHidden": False,
                        "field": field.name,
                        "junctionIdListNames": [],
                        "junctionReferenceTo": [],
                        "relationshipName": f"{plural}__r" if child.custom else plural,
                        "restrictedDelete": False,
                    }
                )
    return children


def _record_types(sobject: SObject, url: str) -> list[dict[str, Any]]:
    has_default = any(rt.default for rt in sobject.record_types)
    infos = [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": not has_default,
            "developerName": "Master",
            "master": True,
            "name": "Master",
            "recordTypeId": MASTER_RECORD_TYPE_ID,
            "urls": {"layout": f"{url}/describe/layouts/{MASTER_RECORD_TYPE_ID}"},
        }
    ]
    for record_type in sobject.record_types:
        infos.append(
            {
                "active": True,
                "available": True,
                "defaultRecordTypeMapping": record_type.default,
                "developerName": record_type.developer_name,
                "master": False,
                "name": record_type.name,
                "recordTypeId": record_type.record_type_id,
                "urls": {"layout": f"{url}/describe/layouts/{record_type.record_type_id}"},
            }
        )
    return infos
