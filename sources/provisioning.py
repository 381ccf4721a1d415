"""Creating sources and rotating their keys (shared by pages and commands)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sources.keys import hash_write_key
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


_KEY_FIELDS = [
    "key_hash",
    "key_hint",
    "key_rotated_at",
    "previous_key_hash",
    "previous_key_hint",
    "previous_key_expires_at",
]


@transaction.atomic
def rotate_key(source: Source) -> str:
    """Give the source a new write key; the current one keeps working for the grace period.

    Only one previous key is kept: a key still in its grace period when the
    source is rotated again stops working at once.
    """
    now = timezone.now()
    grace = timedelta(hours=settings.WRITE_KEY_GRACE_HOURS)
    if grace:
        source.previous_key_hash = source.key_hash
        source.previous_key_hint = source.key_hint
        source.previous_key_expires_at = now + grace
    else:
        _forget_previous_key(source)
    key = source.issue_key()
    source.key_rotated_at = now
    source.save(update_fields=_KEY_FIELDS)
    return key


def end_grace(source: Source) -> None:
    """Make the key before the last rotation stop working now."""
    _forget_previous_key(source)
    source.save(update_fields=["previous_key_hash", "previous_key_hint", "previous_key_expires_at"])


def _forget_previous_key(source: Source) -> None:
    source.previous_key_hash = None
    source.previous_key_hint = ""
    source.previous_key_expires_at = None


def source_for_key(key: str) -> Source | None:
    """The source whose current key, or previous key still in its grace period, is ``key``."""
    hashed = hash_write_key(key)
    fields = ("id", "workspace_id")
    current = Source.objects.filter(key_hash=hashed).only(*fields).first()
    if current is not None:
        return current
    return (
        Source.objects.filter(previous_key_hash=hashed, previous_key_expires_at__gt=timezone.now())
        .only(*fields)
        .first()
    )
