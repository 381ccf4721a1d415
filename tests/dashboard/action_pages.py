"""Addresses and form posts of the action pages, shared by the dashboard's tests."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from destinations.models import Destination


def action_url(destination: Destination, name: str = "list", **kwargs: Any) -> str:
    return reverse(
        f"actions:{name}",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk, **kwargs},
    )


def lead_form(**extra: Any) -> dict[str, Any]:
    """What the editor posts for a Lead upserted by email, with ``extra`` settings changed."""
    post: dict[str, Any] = {
        "name": "Leads",
        "enabled": "on",
        "trigger": 'type = "identify"',
        "operation": "upsert",
        "matcher_field": ["Email"],
        "matcher_value": ["$.traits.email"],
        "matcher_operator": "OR",
        "field__LastName": "$.traits.last_name | $.properties.last_name",
        "field__Company": "$.traits.company",
        "field__Email": "$.traits.email",
        "other_field": ["Rating", ""],
        "other_value": ["Hot", ""],
        "batch_size": "1000",
    }
    post.update(extra)
    return post


def part_of(page: str, pattern: str) -> str:
    """The first group of ``pattern`` in the page (across lines); fails when the page has none."""
    found = re.search(pattern, page, re.S)
    assert found is not None, pattern
    return found.group(1)
