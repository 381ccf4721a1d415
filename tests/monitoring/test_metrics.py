"""/metrics: behind METRICS_TOKEN, read from the database, parsed with prometheus_client's own parser."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from deliveries.models import BulkJob, Status
from monitoring import chunk_timing
from tests.deliveries.delivery_rows import delivery_row

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def _scrape(client) -> dict[str, list]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def _value(samples, name, **labels):
    matching = [
        s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert len(matching) == 1, (name, labels, samples.get(name))
    return matching[0]


def _post(client, key, batch):
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    return client.post(
        "/v1/batch", json.dumps({"batch": batch}), content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_it_does_not_exist_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"])
def test_it_refuses_a_missing_or_wrong_token(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **extra)

    assert response.status_code == 401
    assert b"sfdest_" not in response.content


def test_it_counts_intake_outcomes_by_source(client, token, source):
    good = {"type": "track", "userId": "u", "event": "E"}
    _post(client, source.key, [{**good, "messageId": "a"}, {**good, "messageId": "b"}, {"type": "nope"}])
    _post(client, source.key, [{**good, "messageId": "a"}])

    samples = _scrape(client)

    labels = {"source_id": str(source.source.pk), "source": "website"}
    assert _value(samples, "sfdest_intake_messages_total", outcome="accepted", **labels) == 2
    assert _value(samples, "sfdest_intake_messages_total", outcome="duplicates", **labels) == 1
    assert _value(samples, "sfdest_intake_messages_total", outcome="rejected", **labels) == 1


def test_it_counts_deliveries_by_status_and_the_oldest_due_per_action(client, token, team, source):
    now = timezone.now()
    first = delivery_row(team, source, status=Status.PENDING, due_at=now - timedelta(seconds=300))
    delivery_row(
        team, source, action=first.action, status=Status.RETRYING, due_at=now - timedelta(seconds=30)
    )
    delivery_row(team, source, action=first.action, status=Status.DELIVERED)
    # Not yet due: it is no lag.
    delivery_row(team, source, action=first.action, status=Status.PENDING, due_at=now + timedelta(hours=1))

    samples = _scrape(client)

    ids = {"action_id": str(first.action.pk), "destination": "Org", "action": "Leads"}
    assert _value(samples, "sfdest_deliveries", status="pending", **ids) == 2
    assert _value(samples, "sfdest_deliveries", status="retrying", **ids) == 1
    assert _value(samples, "sfdest_deliveries", status="delivered", **ids) == 1
    assert 299 <= _value(samples, "sfdest_queue_lag_seconds", **ids) < 400


def test_it_reports_api_usage_bulk_jobs_and_chunk_durations(client, token, team, source):
    delivery = delivery_row(team, source)
    destination = delivery.destination
    destination.api_requests_used, destination.api_requests_max = 1234, 15000
    destination.save()
    BulkJob.objects.create(
        action=delivery.action, destination=destination, operation="upsert", sobject="Lead"
    )
    chunk_timing.record(str(delivery.action.pk), 0.2)
    chunk_timing.record(str(delivery.action.pk), 3.0)

    samples = _scrape(client)

    dest = {"destination_id": str(destination.pk)}
    assert _value(samples, "sfdest_salesforce_api_requests_used", **dest) == 1234
    assert _value(samples, "sfdest_salesforce_api_requests_limit", **dest) == 15000
    assert _value(samples, "sfdest_bulk_jobs_in_flight", **dest) == 1
    action = {"action_id": str(delivery.action.pk)}
    assert _value(samples, "sfdest_sender_chunk_duration_seconds_count", **action) == 2
    assert _value(samples, "sfdest_sender_chunk_duration_seconds_sum", **action) == pytest.approx(3.2)
    assert _value(samples, "sfdest_sender_chunk_duration_seconds_bucket", le="0.25", **action) == 1
    assert _value(samples, "sfdest_sender_chunk_duration_seconds_bucket", le="5.0", **action) == 2
    assert _value(samples, "sfdest_sender_chunk_duration_seconds_bucket", le="+Inf", **action) == 2


def test_it_keeps_hostile_names_inside_their_labels(client, token, team):
    from sources.provisioning import create_source

    hostile = 'we"b\\site\nsfdest_fake_metric 1'
    _, key = create_source(team.workspace, hostile)
    _post(client, key, [{"type": "track", "userId": "u", "event": "E"}])

    samples = _scrape(client)

    assert "sfdest_fake_metric" not in samples
    assert _value(samples, "sfdest_intake_messages_total", source=hostile, outcome="accepted") == 1
