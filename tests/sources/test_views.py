from __future__ import annotations

import pytest
from django.urls import reverse

from sources.keys import hash_write_key
from sources.models import Event, Source


def _urls(team, source):
    ws = team.workspace.pk
    return {
        "list": reverse("sources:list", kwargs={"workspace_id": ws}),
        "detail": reverse("sources:detail", kwargs={"workspace_id": ws, "source_id": source.pk}),
    }


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_shows_the_sources_of_the_workspace_to_its_members(team, source, who):
    response = team.client_for(who).get(_urls(team, source.source)["list"])

    assert response.status_code == 200
    assert b"website" in response.content
    assert source.key.encode() not in response.content


@pytest.mark.parametrize("page", ["list", "detail"])
def test_it_hides_sources_from_outsiders(team, source, page):
    response = team.client_for("outsider").get(_urls(team, source.source)[page])

    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(team, source, client):
    response = client.get(_urls(team, source.source)["list"])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_a_new_key_once_and_stores_only_its_hash(team):
    client = team.client_for("member")

    response = client.post(
        reverse("sources:create", kwargs={"workspace_id": team.workspace.pk}), {"name": "app"}
    )

    assert response.status_code == 200
    key = response.context["write_key"]
    assert key.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    source = Source.objects.get(name="app")
    assert source.key_hash == hash_write_key(key)
    assert key not in str(Source.objects.filter(pk=source.pk).values().get())
    detail = client.get(
        reverse("sources:detail", kwargs={"workspace_id": team.workspace.pk, "source_id": source.pk})
    )
    assert key.encode() not in detail.content


def test_it_refuses_a_duplicate_source_name(team, source):
    response = team.client_for("owner").post(
        reverse("sources:create", kwargs={"workspace_id": team.workspace.pk}), {"name": "website"}
    )

    assert response.status_code == 400
    assert b"already has a source named" in response.content
    assert Source.objects.filter(name="website").count() == 1


def test_it_rotates_a_key_and_shows_the_new_one_once(team, source):
    url = reverse("sources:rotate", kwargs={"workspace_id": team.workspace.pk, "source_id": source.source.pk})

    response = team.client_for("member").post(url)

    new_key = response.context["write_key"]
    assert new_key != source.key
    source.source.refresh_from_db()
    assert source.source.key_hash == hash_write_key(new_key)


def test_it_deletes_a_source_with_its_events(team, source, client):
    client.post(
        "/v1/track",
        '{"userId":"u","event":"E"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {source.key}",
    )
    url = reverse("sources:delete", kwargs={"workspace_id": team.workspace.pk, "source_id": source.source.pk})

    response = team.client_for("owner").post(url)

    assert response.status_code == 302
    assert not Source.objects.filter(pk=source.source.pk).exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("action", ["rotate", "delete"])
def test_it_keeps_outsiders_from_changing_a_source(team, source, action):
    url = reverse(
        f"sources:{action}", kwargs={"workspace_id": team.workspace.pk, "source_id": source.source.pk}
    )

    response = team.client_for("outsider").post(url)

    assert response.status_code == 404
    source.source.refresh_from_db()
    assert source.source.key_hash == hash_write_key(source.key)


def test_it_refuses_a_source_of_another_workspace_in_the_url(team, source):
    from sources.provisioning import create_source
    from workspaces.models import Workspace

    foreign, _ = create_source(Workspace.objects.get(name="Elsewhere"), "theirs")
    url = reverse("sources:detail", kwargs={"workspace_id": team.workspace.pk, "source_id": foreign.pk})

    assert team.client_for("owner").get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("sources:create", {}),
        ("sources:rotate", {"source_id": None}),
        ("sources:delete", {"source_id": None}),
    ],
)
def test_it_requires_the_csrf_token_on_every_form(team, source, name, kwargs):
    kwargs = dict.fromkeys(kwargs, source.source.pk) | {"workspace_id": team.workspace.pk}

    response = team.client_for("owner", enforce_csrf=True).post(reverse(name, kwargs=kwargs), {"name": "x"})

    assert response.status_code == 403
    source.source.refresh_from_db()
    assert source.source.key_hash == hash_write_key(source.key)


def test_it_lists_the_latest_events_of_a_source_newest_first(team, source, client):
    for n in range(3):
        client.post(
            "/v1/track",
            f'{{"userId":"u","event":"E{n}","messageId":"m{n}"}}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {source.key}",
        )

    response = team.client_for("member").get(_urls(team, source.source)["detail"])

    assert [e.message_id for e in response.context["events"]] == ["m2", "m1", "m0"]
