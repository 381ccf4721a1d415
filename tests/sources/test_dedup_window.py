"""A messageId stays a duplicate after retention pruned its event, for the dedup window."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from deliveries import tasks
from sources.models import Event, SeenMessageId
from sources.provisioning import create_source


def _post(client, source, *message_ids):
    body = json.dumps(
        {"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": m} for m in message_ids]}
    )
    auth = "Basic " + base64.b64encode(f"{source.key}:".encode()).decode()
    response = client.post("/v1/batch", body, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 200
    return response.json()


def _age(days):
    then = timezone.now() - timedelta(days=days)
    Event.objects.update(received_at=then)
    SeenMessageId.objects.update(received_at=then)


def test_it_refuses_a_message_id_again_after_its_event_was_pruned(source, client, settings):
    settings.DATA_RETENTION_DAYS, settings.DEDUP_DAYS = 30, 37
    _post(client, source, "a")
    _age(31)

    tasks.prune()
    assert not Event.objects.exists()
    again = _post(client, source, "a", "b")

    assert (again["accepted"], again["duplicates"]) == (1, 1)
    assert list(Event.objects.values_list("message_id", flat=True)) == ["b"]


def test_it_forgets_message_ids_older_than_the_dedup_window(source, client, settings):
    settings.DATA_RETENTION_DAYS, settings.DEDUP_DAYS = 30, 37
    _post(client, source, "a")
    _age(38)

    tasks.prune()
    again = _post(client, source, "a")

    assert not SeenMessageId.objects.exclude(received_at__gt=timezone.now() - timedelta(days=1)).exists()
    assert (again["accepted"], again["duplicates"]) == (1, 0)


def test_it_keeps_a_message_id_whose_event_outlived_the_window(source, client, settings):
    # An event kept past retention (a delivery still waiting) stays a duplicate however old.
    settings.DATA_RETENTION_DAYS, settings.DEDUP_DAYS = 30, 37
    _post(client, source, "a")
    _age(40)
    SeenMessageId.objects.all().delete()

    again = _post(client, source, "a")

    assert (again["accepted"], again["duplicates"]) == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_it_remembers_the_ids_of_events_stored_before_the_upgrade(team):
    source, _ = create_source(team.workspace, "older")
    executor = MigrationExecutor(connection)
    executor.migrate([("sources", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sources_event (source_id, message_id, type, name, user_id, anonymous_id, group_id,"
            " email, timestamp, received_at, payload) VALUES (%s, 'old', 'track', '', '', '', '', '', %s, %s, '{}')",
            [source.pk.hex, timezone.now(), timezone.now()],
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(SeenMessageId.objects.filter(source=source).values_list("message_id", flat=True)) == ["old"]
