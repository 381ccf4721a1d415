"""Creating sources and rotating their keys (shared by pages and commands)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sources.models import Source
from workspaces.models import Workspace


class SourceExists(Exception):
    pass


@transaction.atomic
def create_source(workspace: Workspace, name: str) -> tuple[Source, str]:
    """A new source and its write key (the only time the key is available)."""
    if workspace.sources.filter(name=name).exists():
        raise SourceExists(f"The workspace already has a source named {name!r}.")
    source = Source(workspace=workspace, name=name)
    key = source.issue_key()
    source.save()
    return source, key


def rotate_key(source: Source) -> str:
    """Give the source a new write key; the old one stops working at once."""
    key = source.issue_key()
    source.key_rotated_at = timezone.now()
    source.save(update_fields=["key_hash", "key_hint", "key_rotated_at"])
    return key
