"""Replayed deliveries are marked in Data Out (a badge), its CSV and `data_out --json`, and can be filtered."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from deliveries.models import Delivery
from tests.engine.conftest import identify, make_action, send
from tests.replays.conftest import replay_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(destination, source):
    """One action with a routed delivery (routed@x.io) and a replayed one (replayed@x.io)."""
    send(source, identify("r", email="replayed@x.io"))
    action = make_action(destination, "lead", "create")
    send(source, identify("n", email="routed@x.io"))
    replay_now(action)
    assert Delivery.objects.filter(action=action).count() == 2
    return action


def data_out_url(destination, **query: str) -> str:
    url = reverse(
        "deliveries:data-out",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_shows_a_replayed_badge_on_replayed_rows_only(team, destination, mixed) -> None:
    page = team.client_for("member").get(data_out_url(destination)).content.decode()

    replayed = Delivery.objects.get(event__email="replayed@x.io")
    routed = Delivery.objects.get(event__email="routed@x.io")
    row = page.split(f'id="delivery-{replayed.pk}"')[1].split("</tr>")[0]
    other = page.split(f'id="delivery-{routed.pk}"')[1].split("</tr>")[0]
    assert "badge-replay" in row and "badge-replay" not in other


@pytest.mark.parametrize(("choice", "emails"), [("yes", ["replayed@x.io"]), ("no", ["routed@x.io"])])
def test_it_filters_data_out_by_replayed(team, destination, mixed, choice, emails) -> None:
    page = team.client_for("member").get(data_out_url(destination, replayed=choice)).content.decode()

    shown = [e for e in ("replayed@x.io", "routed@x.io") if e in page]
    assert shown == emails


def test_it_refuses_a_replayed_filter_it_does_not_know(team, destination, mixed) -> None:
    response = team.client_for("member").get(data_out_url(destination, replayed="maybe"))

    assert "Unknown value &#x27;maybe&#x27; for replayed" in response.content.decode()


def test_it_marks_replayed_rows_in_the_csv_and_filters_it(team, destination, mixed) -> None:
    url = reverse(
        "deliveries:export-csv",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )
    response = team.client_for("member").get(url + "?replayed=yes")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()

    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["email"], r["is_replay"]) for r in rows] == [("replayed@x.io", "True")]


def test_it_marks_and_filters_replayed_rows_in_data_out_json(mixed) -> None:
    def lines(*args: str) -> list[dict]:
        out = StringIO()
        call_command("data_out", "--json", *args, stdout=out)
        return [json.loads(line) for line in out.getvalue().splitlines()]

    every = {row["email"]: row for row in lines()}
    assert every["replayed@x.io"]["is_replay"] is True and every["replayed@x.io"]["replay_id"]
    assert every["routed@x.io"]["is_replay"] is False and every["routed@x.io"]["replay_id"] is None
    assert [row["email"] for row in lines("--replayed", "yes")] == ["replayed@x.io"]
    assert [row["email"] for row in lines("--replayed", "no")] == ["routed@x.io"]
