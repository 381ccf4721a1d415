"""The alerts page: members choose who is told and when; outsiders see nothing; the secret is shown once."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse
from django_q.models import Schedule

from alerts.models import AlertSettings
from destinations.models import Destination
from tests.alerts.support import failing_webhook_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(team) -> Destination:
    return Destination.objects.create(workspace=team.workspace, name="Acme", enabled=True)


def url(destination: Destination) -> str:
    return reverse(
        "alerts:settings", kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk}
    )


def form(**changes: Any) -> dict[str, Any]:
    return {"failure_percent": "10", "failure_minimum": "20", "lag_minutes": "15", **changes}


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_lets_owners_and_editors_see_and_change_the_settings(team, target, who) -> None:
    client = team.client_for(who)

    page = client.get(url(target))
    saved = client.post(url(target), form(email_members="on", lag_minutes="30"))

    assert page.status_code == 200 and b"Save alert settings" in page.content
    assert saved.status_code == 302
    stored = AlertSettings.objects.get(destination=target)
    assert (stored.email_members, stored.lag_minutes, stored.failure_percent) == (True, 30, 10)


def test_it_shows_the_default_thresholds_before_anything_is_saved(team, target) -> None:
    page = team.client_for("member").get(url(target)).content.decode()

    assert 'name="failure_percent" value="10"' in page
    assert 'name="failure_minimum" value="20"' in page
    assert 'name="lag_minutes" value="15"' in page


def test_it_hides_the_page_from_outsiders_and_changes_nothing(team, target) -> None:
    client = team.client_for("outsider")

    assert client.get(url(target)).status_code == 404
    assert client.post(url(target), form(email_members="on")).status_code == 404
    assert not AlertSettings.objects.exists()


def test_it_shows_the_signing_secret_once_and_stores_it_encrypted(team, target, settings) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    client = team.client_for("owner")

    response = client.post(url(target), form(webhook_url="https://8.8.8.8/hook"))

    stored = AlertSettings.objects.get()
    secret = stored.webhook_secret
    assert response.status_code == 200 and len(secret) == 64
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get(url(target)).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret_encrypted FROM alerts_alertsettings")
        [(raw,)] = cursor.fetchall()
    assert secret not in raw


def test_it_keeps_the_secret_on_a_later_save_and_makes_a_new_one_on_request(team, target, settings) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    client = team.client_for("owner")
    client.post(url(target), form(webhook_url="https://8.8.8.8/hook"))
    first = AlertSettings.objects.get().webhook_secret

    kept = client.post(url(target), form(webhook_url="https://8.8.8.8/hook", lag_minutes="20"))
    assert kept.status_code == 302 and AlertSettings.objects.get().webhook_secret == first

    renewed = client.post(url(target), form(webhook_url="https://8.8.8.8/hook", new_secret="on"))
    second = AlertSettings.objects.get().webhook_secret
    assert second != first and second in renewed.content.decode()


def test_it_forgets_the_secret_when_the_webhook_is_removed(team, target, settings) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    client = team.client_for("owner")
    client.post(url(target), form(webhook_url="https://8.8.8.8/hook"))

    client.post(url(target), form(webhook_url=""))

    assert AlertSettings.objects.get().webhook_secret_encrypted == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"webhook_url": "http://169.254.169.254/latest/meta-data/"},
            "private, loopback or reserved address",
        ),
        ({"webhook_url": "file:///etc/passwd"}, "must start with https://"),
        ({"failure_percent": "0"}, "greater than or equal to 1"),
        ({"lag_minutes": "-5"}, "greater than or equal to 1"),
        ({"new_secret": "on"}, "There is no webhook to sign for."),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(team, target, settings, changes, message) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False

    response = team.client_for("owner").post(url(target), form(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AlertSettings.objects.exists()


def test_it_lists_the_messages_sent_with_their_tries(team, target) -> None:
    failing_webhook_message(target)

    page = team.client_for("member").get(url(target)).content.decode()

    assert "Deliveries failing" in page and "HTTP 500 Answered 500" in page


def test_it_checks_alerts_every_minute_through_the_schedule() -> None:
    # Installed by a data migration; a transactional test run before this
    # one may have flushed it, so the migration's own step is run again.
    installing = import_module("alerts.migrations.0002_check_alerts_schedule")
    Schedule.objects.filter(name=installing.NAME).delete()
    installing.install(django_apps, None)
    schedule = Schedule.objects.get(func="alerts.tasks.check_alerts")

    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
