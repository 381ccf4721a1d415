"""Deliveries carry only the indexes some query uses: none that a composite already covers."""

import pytest
from django.db import connection

from deliveries.models import Delivery


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Delivery._meta.db_table)
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"] and not info["unique"]
    }


@pytest.mark.django_db
def test_no_index_on_action_or_destination_alone():
    indexes = _indexes()

    single = sorted(columns[0] for columns in indexes.values() if len(columns) == 1)
    assert single == ["bulk_send_id", "event_id", "replay_id"]
    # What used to have an index of its own is still the head of a composite.
    heads = {columns[0] for columns in indexes.values() if len(columns) > 1}
    assert {"action_id", "destination_id"} <= heads
