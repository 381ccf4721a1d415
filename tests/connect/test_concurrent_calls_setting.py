"""The destination's concurrent-calls setting: 8 unless changed, 1 to 25, refused otherwise."""

import pytest
from django.urls import reverse

from destinations.models import Destination


def _settings_url(destination: Destination) -> str:
    return reverse(
        "destinations:settings",
        kwargs={"workspace_id": destination.workspace_id, "destination_id": destination.pk},
    )


def test_a_new_destination_makes_eight_calls_at_once(destination):
    assert destination.concurrent_calls == 8


def test_an_editor_sets_the_concurrent_calls(team, destination):
    response = team.client_for("member").post(
        _settings_url(destination), {"name": destination.name, "concurrent_calls": "25"}
    )

    assert response.status_code == 302
    destination.refresh_from_db()
    assert destination.concurrent_calls == 25


@pytest.mark.parametrize("value", ["0", "26", "-3", "eight", "1e9"])
def test_a_value_out_of_range_is_refused_and_changes_nothing(team, destination, value):
    response = team.client_for("member").post(
        _settings_url(destination), {"name": "Renamed", "concurrent_calls": value}
    )

    assert response.status_code == 400
    assert b"Concurrent calls" in response.content
    destination.refresh_from_db()
    assert (destination.name, destination.concurrent_calls) == ("Salesforce", 8)


def test_a_form_without_the_setting_leaves_it_as_it_is(team, destination):
    Destination.objects.filter(pk=destination.pk).update(concurrent_calls=3)

    team.client_for("member").post(_settings_url(destination), {"name": "Renamed"})

    destination.refresh_from_db()
    assert (destination.name, destination.concurrent_calls) == ("Renamed", 3)
