"""Rotating a write key: the new key is shown once, the old one keeps working for a grace period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sources.keys import hash_write_key
from sources.models import Source


def _send(client, key: str) -> int:
    return client.post(
        "/v1/track",
        '{"userId":"u","event":"Moved"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    ).status_code


def _url(team, source, name: str) -> str:
    return reverse(f"sources:{name}", kwargs={"workspace_id": team.workspace.pk, "source_id": source.pk})


def _rotate(team, source, who: str = "member") -> str:
    response = team.client_for(who).post(_url(team, source, "rotate"))
    assert response.status_code == 200
    return response.context["write_key"]


def test_it_accepts_both_keys_during_the_grace_period(team, source, client):
    new_key = _rotate(team, source.source)

    assert _send(client, source.key) == 200
    assert _send(client, new_key) == 200


def test_it_refuses_the_old_key_once_the_grace_period_is_over(team, source, client):
    new_key = _rotate(team, source.source)
    Source.objects.filter(pk=source.source.pk).update(previous_key_expires_at=timezone.now())

    assert _send(client, source.key) == 401
    assert _send(client, new_key) == 200


def test_the_grace_period_lasts_the_configured_hours(team, source, settings):
    settings.WRITE_KEY_GRACE_HOURS = 6
    before = timezone.now()

    _rotate(team, source.source)

    source.source.refresh_from_db()
    assert source.source.previous_key_expires_at is not None
    assert (
        before + timedelta(hours=6)
        <= source.source.previous_key_expires_at
        <= timezone.now() + timedelta(hours=6)
    )


def test_it_stops_the_old_key_at_once_when_there_is_no_grace_period(team, source, client, settings):
    settings.WRITE_KEY_GRACE_HOURS = 0

    response = team.client_for("member").post(_url(team, source.source, "rotate"))

    assert _send(client, source.key) == 401
    assert b"The previous key no longer works" in response.content


def test_ending_the_grace_period_early_stops_the_old_key(team, source, client):
    new_key = _rotate(team, source.source)

    response = team.client_for("member").post(_url(team, source.source, "end_grace"))

    assert response.status_code == 302
    assert _send(client, source.key) == 401
    assert _send(client, new_key) == 200


def test_a_second_rotation_stops_the_key_still_in_its_grace_period(team, source, client):
    second = _rotate(team, source.source)
    third = _rotate(team, source.source)

    assert _send(client, source.key) == 401
    assert _send(client, second) == 200
    assert _send(client, third) == 200


def test_it_stores_the_old_key_only_as_a_hash(team, source):
    new_key = _rotate(team, source.source)

    stored = str(Source.objects.filter(pk=source.source.pk).values().get())
    assert source.key not in stored
    assert new_key not in stored
    assert hash_write_key(source.key) in stored


def test_the_source_page_shows_the_keys_masked_with_the_end_of_grace(team, source):
    new_key = _rotate(team, source.source)

    page = team.client_for("member").get(_url(team, source.source, "detail")).content.decode()

    assert f"wk_…{new_key[-4:]}" in page
    assert f"wk_…{source.key[-4:]}" in page
    assert new_key not in page
    assert source.key not in page
    assert "Rotate write key" in page
    assert "Stop the previous key now" in page
    source.source.refresh_from_db()
    assert f"{source.source.previous_key_expires_at:%Y-%m-%d %H:%M} UTC" in page


def test_the_source_page_offers_no_early_end_without_a_key_in_grace(team, source):
    page = team.client_for("member").get(_url(team, source.source, "detail")).content.decode()

    assert f"wk_…{source.key[-4:]}" in page
    assert "Stop the previous key now" not in page
    assert "keeps working for 24 hours" in page


def test_the_new_key_page_says_it_is_shown_once_and_offers_a_copy_button(team, source):
    response = team.client_for("member").post(_url(team, source.source, "rotate"))

    page = response.content.decode()
    assert "you will not see it again" in page
    assert 'data-copy-target="write-key"' in page
    assert "js/copy_key.js" in page
    assert "keeps working until" in page
    assert "no-store" in response["Cache-Control"]


def test_it_keeps_outsiders_from_ending_the_grace_period(team, source, client):
    _rotate(team, source.source)

    response = team.client_for("outsider").post(_url(team, source.source, "end_grace"))

    assert response.status_code == 404
    assert _send(client, source.key) == 200


def test_ending_the_grace_period_needs_the_csrf_token(team, source, client):
    _rotate(team, source.source)

    response = team.client_for("owner", enforce_csrf=True).post(_url(team, source.source, "end_grace"))

    assert response.status_code == 403
    assert _send(client, source.key) == 200


@pytest.mark.parametrize("who", ["owner", "member"])
def test_members_may_end_the_grace_period(team, source, client, who):
    _rotate(team, source.source)

    team.client_for(who).post(_url(team, source.source, "end_grace"))

    assert _send(client, source.key) == 401


def test_ending_the_grace_period_is_only_a_post(team, source, client):
    _rotate(team, source.source)

    response = team.client_for("owner").get(_url(team, source.source, "end_grace"))

    assert response.status_code == 405
    assert _send(client, source.key) == 200
