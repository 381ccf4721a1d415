"""The emulated org's metadata: objects and their fields, in describe terms.

Names are looked up case-insensitively, as Salesforce does; each object and
field keeps its canonical spelling in ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Describe ``type`` values whose SOQL literal is a quoted string.
STRING_TYPES = frozenset(
    {
        "id",
        "reference",
        "string",
        "textarea",
        "email",
        "phone",
        "url",
        "picklist",
        "multipicklist",
        "combobox",
        "encryptedstring",
    }
)
NUMBER_TYPES = frozenset({"int", "long", "double", "currency", "percent"})


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str = ""
    length: int = 0
    precision: int = 0
    scale: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    filterable: bool = True
    sortable: bool = True
    groupable: bool = True
    external_id: bool = False
    id_lookup: bool = False
    unique: bool = False
    case_sensitive: bool = False
    defaulted_on_create: bool = False
    default_value: Any = None
    picklist_values: tuple[str, ...] = ()
    restricted_picklist: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    custom: bool = False
    calculated: bool = False
    auto_number: bool = False
    # Added for describe and validation; attributes above are what the SOQL
    # engine relies on.
    name_field: bool = False
    compound_field_name: str | None = None
    extra_type_info: str | None = None
    # Person-account fields exist on Account but only person accounts may set them.
    person_account_only: bool = False

    @property
    def required_on_create(self) -> bool:
        """Salesforce has no flag for this; it is derived from three others."""
        return self.createable and not self.nillable and not self.defaulted_on_create


@dataclass(frozen=True)
class RecordType:
    record_type_id: str
    name: str
    developer_name: str
    is_person_type: bool = False
    default: bool = False


@dataclass
class SObject:
    name: str
    label: str
    label_plural: str
    key_prefix: str
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    queryable: bool = True
    fields: list[Field] = field(default_factory=list)
    record_types: list[RecordType] = field(default_factory=list)
    # Fields whose values make up a read-only compound ``Name`` (Lead, Contact).
    compound_name: tuple[str, ...] = ()
    _by_lower: dict[str, Field] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_lower = {f.name.lower(): f for f in self.fields}

    def add_field(self, new: Field) -> None:
        self.fields.append(new)
        self._by_lower[new.name.lower()] = new

    def replace_field(self, new: Field) -> None:
        """Put ``new`` in place of the field of the same name, or add it."""
        for position, existing in enumerate(self.fields):
            if existing.name.lower() == new.name.lower():
                self.fields[position] = new
                self._by_lower[new.name.lower()] = new
                return
        self.add_field(new)

    def field(self, name: str) -> Field | None:
        return self._by_lower.get(name.lower())

    def record_type(self, record_type_id: str) -> RecordType | None:
        for record_type in self.record_types:
            if record_type.record_type_id[:15] == record_type_id[:15]:
                return record_type
        return None


@dataclass
class Schema:
    objects: list[SObject] = field(default_factory=list)
    _by_lower: dict[str, SObject] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_lower = {o.name.lower(): o for o in self.objects}

    def add(self, sobject: SObject) -> None:
        self.objects.append(sobject)
        self._by_lower[sobject.name.lower()] = sobject

    def get(self, name: str) -> SObject | None:
        return self._by_lower.get(name.lower())

    def by_key_prefix(self, key_prefix: str) -> SObject | None:
        for sobject in self.objects:
            if sobject.key_prefix == key_prefix:
                return sobject
        return None
