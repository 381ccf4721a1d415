"""/healthz and /readyz: no login, each check named, 503 when one fails."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from deliveries.followups import run_on_time
from monitoring import heartbeats
from monitoring.models import Heartbeat

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _all_fresh() -> None:
    heartbeats.beat(heartbeats.WORKER)
    heartbeats.beat(heartbeats.FOLLOWUPS)


def test_it_answers_healthz_without_login(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_is_ready_when_everything_answers_and_beats(client):
    _all_fresh()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "worker": "ok", "followups": "ok"},
    }


def test_it_is_not_ready_when_the_redis_broker_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    _all_fresh()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["checks"]["broker"] == "unreachable"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.parametrize("name", [heartbeats.WORKER, heartbeats.FOLLOWUPS])
def test_it_is_not_ready_when_a_heartbeat_is_older_than_a_minute(client, name):
    _all_fresh()
    Heartbeat.objects.filter(name=name).update(beat_at=timezone.now() - timedelta(seconds=61))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"][name] == "stale"


def test_it_is_not_ready_before_any_worker_has_beaten(client):
    heartbeats.beat(heartbeats.FOLLOWUPS)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "stale"


def test_it_refuses_other_methods_on_the_probes(client):
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


class _TurnsTwice:
    """A stop event that lets the loop turn twice, then stops it."""

    def __init__(self) -> None:
        self.turns = 0

    def wait(self, timeout: float) -> bool:
        self.turns += 1
        return self.turns > 2


def test_the_followups_loop_beats(monkeypatch):
    # The test's transaction holds the connection the loop would otherwise recycle.
    monkeypatch.setattr("deliveries.followups.close_old_connections", lambda: None)
    monkeypatch.setattr("deliveries.followups.run_due", lambda broker: False)
    assert not heartbeats.is_fresh(heartbeats.FOLLOWUPS)

    run_on_time(_TurnsTwice(), 0)  # type: ignore[arg-type]

    assert heartbeats.is_fresh(heartbeats.FOLLOWUPS)


def test_a_worker_beats_from_its_own_thread(monkeypatch):
    class Stop(Exception):
        pass

    def stop_after_first_beat(seconds):
        raise Stop

    monkeypatch.setattr(heartbeats.time, "sleep", stop_after_first_beat)
    monkeypatch.setattr(heartbeats, "close_old_connections", lambda: None)

    with pytest.raises(Stop):
        heartbeats._beat_forever(heartbeats.WORKER)

    assert heartbeats.is_fresh(heartbeats.WORKER)


def test_the_pacer_beats_at_most_once_per_interval():
    pacer = heartbeats.Pacer(heartbeats.FOLLOWUPS, interval=3600)
    pacer.maybe_beat()
    first = Heartbeat.objects.get(name=heartbeats.FOLLOWUPS).beat_at

    pacer.maybe_beat()

    assert Heartbeat.objects.get(name=heartbeats.FOLLOWUPS).beat_at == first


def test_it_is_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import OperationalError, connection

    _all_fresh()

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"
    assert response.json()["checks"]["worker"] == "unreachable"
    assert "refused" not in response.content.decode()
