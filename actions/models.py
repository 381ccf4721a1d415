"""An action: which events (trigger) become which Salesforce writes (mapping, operation)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from actions import catalog
from actions.validation import validate_action
from destinations.models import Destination


class Kind(models.TextChoices):
    LEAD = "lead", "Lead"
    CONTACT = "contact", "Contact"
    ACCOUNT = "account", "Account"
    CASE = "case", "Case"
    OPPORTUNITY = "opportunity", "Opportunity"
    CUSTOM_OBJECT = "custom_object", "Custom Object"


class Operation(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    UPSERT = "upsert", "Upsert"
    DELETE = "delete", "Delete"


class MatcherOperator(models.TextChoices):
    OR = "OR", "OR: any matcher"
    AND = "AND", "AND: all matchers"


class LiveActions(models.Manager["Action"]):
    """The actions that are not archived: the ones that are routed, sent, listed and exported."""

    def get_queryset(self) -> models.QuerySet[Action]:
        return super().get_queryset().filter(archived_at__isnull=True)


class Action(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    trigger = models.TextField(blank=True, default="")
    # Blank until chosen (a new action of most kinds starts with one: see the catalog).
    operation = models.CharField(max_length=10, choices=Operation.choices, blank=True, default="")
    # The Salesforce object of a Custom Object action; the other kinds imply theirs.
    sobject = models.CharField(max_length=100, blank=True, default="")
    # [{"field": "Email", "mapping": <mapping>}, ...]
    record_matchers: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    matcher_operator = models.CharField(
        max_length=3, choices=MatcherOperator.choices, default=MatcherOperator.OR
    )
    # The kind's standard fields: {"LastName": <mapping>, ...}
    fields: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    # [{"field": "Custom__c", "mapping": <mapping>}, ...]
    other_fields: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    use_bulk = models.BooleanField(default=False)
    # {"field": "External_Id__c", "mapping": <mapping>} for bulk upserts.
    bulk_upsert_external_id: models.JSONField[dict[str, Any] | None] = models.JSONField(null=True, blank=True)
    # <mapping> of the record Id for bulk updates.
    bulk_update_record_id: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    batch_size = models.PositiveIntegerField(default=1000)
    clear_fields_on_null = models.BooleanField(default=False)
    # Set when the user deletes the action: it is hidden, never routed or
    # sent, and its Data Out history stays readable until it is restored.
    archived_at = models.DateTimeField(null=True, blank=True)

    # The sender leases and doorbells of its lanes: deliveries.models.SenderLease.

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every action, archived ones too (Data Out reads their history); `live` leaves them out.
    objects = models.Manager()
    live = LiveActions()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_kind(cls, destination: Destination, kind: str, **settings: Any) -> Action:
        """A new (unsaved) action with its kind's name, trigger, operation, matchers and fields."""
        spec = catalog.kind(kind)
        values: dict[str, Any] = {
            "name": spec.title,
            "trigger": spec.default_trigger,
            "operation": spec.default_operation,
            "record_matchers": spec.default_record_matchers(),
            "fields": spec.default_fields(),
            **settings,
        }
        return cls(destination=destination, kind=kind, **values)

    def settings(self) -> dict[str, Any]:
        """The action's settings as plain data, as validation and export see them."""
        keys = (
            "name", "kind", "enabled", "trigger", "operation", "sobject", "record_matchers", "matcher_operator",
            "fields", "other_fields", "use_bulk", "bulk_upsert_external_id", "bulk_update_record_id",
            "batch_size", "clear_fields_on_null",
        )  # fmt: skip
        return {key: getattr(self, key) for key in keys}

    def clean(self) -> None:
        errors = validate_action(self.settings())
        if errors:
            raise ValidationError(dict(errors))

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def workspace_id(self) -> uuid.UUID:
        return self.destination.workspace_id

    @property
    def sobject_name(self) -> str:
        """The Salesforce object this action writes."""
        return self.sobject if self.kind == Kind.CUSTOM_OBJECT else catalog.kind(self.kind).sobject
