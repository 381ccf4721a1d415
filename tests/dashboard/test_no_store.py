"""Pages with event data, and the CSV, are never kept by a browser or a shared cache."""

import pytest
from django.urls import reverse

from deliveries.models import Delivery
from tests.dashboard.data_out_support import data_out_url, delivery_url, lead, sent


def _action_url(destination, name):
    return reverse(
        f"actions:{name}", kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk}
    )


@pytest.fixture
def delivered(team, source, destination, sf):
    sent(sf, destination, source, lead("u1", "ada@example.com"))
    return Delivery.objects.get()


@pytest.mark.parametrize("page", ["data-out", "csv", "detail", "events"])
def test_it_sends_no_store_with_event_data(team, destination, delivered, page):
    url = {
        "data-out": data_out_url(destination),
        "csv": data_out_url(destination, "export-csv"),
        "detail": delivery_url(delivered),
        "events": _action_url(destination, "events"),
    }[page]

    response = team.client_for("member").get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response) if response.streaming else response.content
    assert b"ada@example.com" in body or page == "events"


def test_it_sends_no_store_with_a_preview_answer(team, destination, delivered):
    response = team.client_for("owner").post(
        _action_url(destination, "preview"),
        {
            "kind": "lead",
            "name": "Leads",
            "event_json": '{"type": "identify", "traits": {"email": "a@b.io"}}',
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/js/confirm.js")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
