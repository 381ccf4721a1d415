"""The org's objects and their fields, for the mapping editor and the actions engine.

Describe answers are cached per destination (``DescribeCache``) for
``SALESFORCE_DESCRIBE_MAX_AGE`` seconds. Whoever finds an answer missing or
stale claims its row with a conditional UPDATE (the claim also requires the
answer still to be stale), so that across threads and processes there is
never more than one describe call per object per age window; the others wait
for the answer. No database transaction is held during the call, so that a
token refresh inside it can commit "needs reconnect" on its own.

    objects(destination)            -> [{"name": "Account", "label": ..., "createable": ...}, ...]
    fields(destination, "Contact")  -> {"LastName": {"type": "string", "nillable": False, ...}, ...}
    refresh(destination)            -> reads the object list again; objects are re-read on next use
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from destinations import api_usage
from destinations.models import DescribeCache, Destination
from destinations.salesforce import person_accounts
from destinations.salesforce.client import SalesforceClient
from destinations.tokens import client_for

OBJECTS_KEY = ""
# How long a claim protects a fetch in progress; a crashed fetcher's claim lapses then.
CLAIM_SECONDS = 60
POLL_SECONDS = 0.1


class UnknownObject(LookupError):
    """The org has no object of that name visible to the connected user."""


@dataclass(frozen=True)
class Summary:
    """What the destination page says about the cached metadata."""

    objects: int | None
    fetched_at: datetime | None
    described: int


def objects(destination: Destination) -> list[dict[str, Any]]:
    """The org's objects (describe global entries: name, label, createable, custom, ...)."""
    body: list[dict[str, Any]] = _cached(destination, OBJECTS_KEY, lambda: _fetch_objects(destination))
    return body


def describe_object(destination: Destination, sobject: str) -> dict[str, Any]:
    """The whole describe answer of one object (fields, recordTypeInfos, ...)."""
    name = object_name(destination, sobject)
    body: dict[str, Any] = _cached(destination, name.lower(), lambda: _fetch_object(destination, name))
    if person_accounts.has_person_accounts(body) and person_accounts.PERSON_TYPES_KEY not in body:
        # Cached before person record types were read with it: read it again now.
        DescribeCache.objects.filter(destination=destination, sobject=name.lower()).update(fetched_at=None)
        body = _cached(destination, name.lower(), lambda: _fetch_object(destination, name))
    return body


def fields(destination: Destination, sobject: str) -> dict[str, dict[str, Any]]:
    """The object's fields by API name, as describe lists them."""
    return {field["name"]: field for field in describe_object(destination, sobject).get("fields", [])}


def object_name(destination: Destination, sobject: str) -> str:
    """The object's API name as the org spells it; raises ``UnknownObject``."""
    wanted = sobject.strip().lower()
    for entry in objects(destination):
        if str(entry.get("name", "")).lower() == wanted:
            return str(entry["name"])
    raise UnknownObject(f"The org has no object named {sobject!r} (or the connected user cannot see it).")


def required_on_create(field: dict[str, Any]) -> bool:
    """Whether a create must set the field: createable, not nillable, and not defaulted."""
    return bool(field.get("createable")) and not field.get("nillable") and not field.get("defaultedOnCreate")


def refresh(destination: Destination) -> list[dict[str, Any]]:
    """Forget every cached answer and read the object list again."""
    forget(destination)
    return objects(destination)


def forget(destination: Destination) -> None:
    """Drop the cached answers (another org was connected, or a refresh was asked for)."""
    DescribeCache.objects.filter(destination=destination).delete()


def summary(destination: Destination) -> Summary:
    """How much is cached, and since when, without calling Salesforce."""
    rows = DescribeCache.objects.filter(destination=destination, fetched_at__isnull=False)
    listing = rows.filter(sobject=OBJECTS_KEY).first()
    return Summary(
        objects=len(listing.body) if listing is not None and isinstance(listing.body, list) else None,
        fetched_at=listing.fetched_at if listing is not None else None,
        described=rows.exclude(sobject=OBJECTS_KEY).count(),
    )


def _fetch_objects(destination: Destination) -> list[dict[str, Any]]:
    with _client(destination) as client:
        answer = client.describe_global()
    return list(answer.get("sobjects", []))


def _fetch_object(destination: Destination, name: str) -> dict[str, Any]:
    with _client(destination) as client:
        return person_accounts.add_person_types(client, client.describe(name))


def _client(destination: Destination) -> SalesforceClient:
    return client_for(destination, on_call=lambda call: api_usage.note(destination, call))


def _cached(destination: Destination, key: str, fetch: Callable[[], Any]) -> Any:
    max_age = timedelta(seconds=settings.SALESFORCE_DESCRIBE_MAX_AGE)
    while True:
        now = timezone.now()
        entry = DescribeCache.objects.filter(destination=destination, sobject=key).first()
        if entry is not None and entry.fetched_at is not None and entry.fetched_at > now - max_age:
            return entry.body
        if _claim(destination, key, entry, now, max_age):
            break
        time.sleep(POLL_SECONDS)
    try:
        body = fetch()
    except BaseException:
        DescribeCache.objects.filter(destination=destination, sobject=key).update(claimed_until=None)
        raise
    DescribeCache.objects.filter(destination=destination, sobject=key).update(
        body=body, fetched_at=timezone.now(), claimed_until=None
    )
    return body


def _claim(
    destination: Destination, key: str, entry: DescribeCache | None, now: datetime, max_age: timedelta
) -> bool:
    """Whether this caller now owns the fetch of ``key``."""
    until = now + timedelta(seconds=CLAIM_SECONDS)
    if entry is None:
        try:
            # A savepoint, so that losing the race does not spoil a surrounding transaction.
            with transaction.atomic():
                DescribeCache.objects.create(destination=destination, sobject=key, claimed_until=until)
        except IntegrityError:
            return False
        return True
    stale = Q(fetched_at__isnull=True) | Q(fetched_at__lte=now - max_age)
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return DescribeCache.objects.filter(stale, unclaimed, pk=entry.pk).update(claimed_until=until) == 1
