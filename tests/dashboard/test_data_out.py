"""The Data Out tab: who sees it, what a row shows, the htmx rows and polling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliveries.models import Delivery, Status
from destinations.models import Destination
from tests.dashboard.data_out_support import block_emails, data_out_url, delivery_url, lead, sent
from tests.engine.conftest import deliver, make_action, send
from workspaces.models import Membership


@pytest.mark.parametrize("who", ["owner", "member"])
def test_it_shows_real_deliveries_with_their_salesforce_ids(team, who, sf, destination, source):
    action = sent(sf, destination, source, lead("u1", "ada@x.io"), lead("u2"))
    first, second = Delivery.objects.filter(action=action).order_by("id")

    response = team.client_for(who).get(data_out_url(destination))

    assert response.status_code == 200
    html = response.content.decode()
    assert first.record_id and second.record_id
    assert f'href="{destination.instance_url}/{first.record_id}"' in html
    assert 'target="_blank"' in html
    assert "ada@x.io" in html and ">u1<" in html
    assert "Delivered" in html and "201" in html
    # Newest first.
    assert html.index(f"delivery-{second.pk}") < html.index(f"delivery-{first.pk}")


def test_it_hides_the_tab_from_outsiders(team, sf, destination, source):
    sent(sf, destination, source, lead("u1"))

    response = team.client_for("outsider").get(data_out_url(destination))

    assert response.status_code == 404


def test_it_hides_a_delivery_from_outsiders_and_from_other_destinations(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    delivery = Delivery.objects.get(action=action)
    other = Destination.objects.create(workspace=team.workspace, name="Other org")

    assert team.client_for("outsider").get(delivery_url(delivery)).status_code == 404
    wrong_destination = delivery_url(delivery).replace(str(destination.pk), str(other.pk))
    assert team.client_for("owner").get(wrong_destination).status_code == 404


def test_it_asks_anonymous_visitors_to_sign_in(client, team, sf, destination):
    response = client.get(data_out_url(destination))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_poll_after_the_session_ended_reloads_the_page_instead_of_swapping_in_the_sign_in_page(
    client, team, sf, destination
):
    response = client.get(data_out_url(destination, after=0), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert response.content == b""


def test_it_marks_the_data_out_tab_as_current(team, sf, destination):
    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert re.search(r'<a href="[^"]*/data-out/" aria-current="page">Data Out</a>', html)


def test_it_marks_test_deliveries(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    Delivery.objects.filter(action=action).update(is_test=True)

    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert 'class="badge badge-test"' in html


def test_it_links_a_bulk_job_to_all_its_deliveries(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"), lead("u2"), lead("u3"))
    in_job = list(Delivery.objects.filter(action=action).order_by("id")[:2])
    Delivery.objects.filter(pk__in=[d.pk for d in in_job]).update(bulk_job_id="7508d000001AbCdEFG")

    page = team.client_for("owner").get(data_out_url(destination)).content.decode()
    job = team.client_for("owner").get(data_out_url(destination, bulk_job="7508d000001AbCdEFG"))

    assert 'href="?bulk_job=7508d000001AbCdEFG"' in page
    shown = set(re.findall(r'id="delivery-(\d+)"', job.content.decode()))
    assert shown == {str(d.pk) for d in in_job}


def test_it_says_to_add_an_action_when_there_is_none(team, sf, destination):
    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert "has no actions yet" in html
    actions = reverse(
        "actions:list", kwargs={"workspace_id": team.workspace.pk, "destination_id": destination.pk}
    )
    assert f'<a href="{actions}">Add an action in the Actions tab</a>' in html


def test_it_says_nothing_was_sent_yet_when_actions_have_no_deliveries(team, sf, destination):
    make_action(destination, "lead", "create")

    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert "Nothing sent yet" in html


def test_it_explains_held_deliveries_when_the_destination_needs_reconnecting(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, lead("u1"), lead("u2"))
    sf.org.faults.add("revoke_tokens", count=1)
    deliver(action)

    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert "This destination needs reconnecting." in html
    assert "2 deliveries are held" in html
    assert "Reconnect in Settings" in html


def test_it_draws_the_last_24_hours_as_an_accessible_svg_chart(team, sf, destination, source):
    block_emails(sf.org)
    sent(sf, destination, source, lead("u1"), lead("u2"), lead("u3", "x@blocked.example"))

    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert "<svg" in html and 'role="img"' in html
    assert '<title id="chart-title">' in html
    assert "Last 24 hours: 2 delivered, 1 failed, 0 retrying, 0 multiple matches." in html
    assert 'class="seg-delivered"' in html and 'class="seg-failed"' in html


def test_a_bar_of_the_chart_links_to_the_deliveries_of_its_hour(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    delivery = Delivery.objects.get(action=action)
    hour = delivery.created_at.replace(minute=0, second=0, microsecond=0)
    client = team.client_for("owner")

    html = client.get(data_out_url(destination)).content.decode()

    link = re.search(
        r'<a href="\?(range=custom&amp;from=[^"]+)" aria-label="[^"]*1 delivery; show them"', html
    )
    assert link is not None
    query = link.group(1).replace("&amp;", "&")
    assert query == f"range=custom&from={hour:%Y-%m-%dT%H:%M}&to={hour + timedelta(hours=1):%Y-%m-%dT%H:%M}"
    assert f"delivery-{delivery.pk}" in client.get(f"{data_out_url(destination)}?{query}").content.decode()


def test_an_htmx_request_gets_only_the_rows(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    delivery = Delivery.objects.get(action=action)

    response = team.client_for("owner").get(data_out_url(destination), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="delivery-{delivery.pk}"' in html
    assert "<html" not in html and "<form" not in html and "<svg" not in html


def test_a_poll_returns_only_rows_newer_than_the_newest_shown(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    old = Delivery.objects.get(action=action)
    send(source, lead("u2"))
    new = Delivery.objects.exclude(pk=old.pk).get(action=action)

    response = team.client_for("owner").get(data_out_url(destination, after=old.pk), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert f'id="delivery-{new.pk}"' in html
    assert f'id="delivery-{old.pk}"' not in html
    # The poller's cursor moves on to the new row, out of band.
    assert f'id="newest-id" name="after" value="{new.pk}" hx-swap-oob="true"' in html
    assert 'id="empty-row" hx-swap-oob="delete"' in html


def test_a_poll_refreshes_the_watched_rows_whose_status_changed(team, sf, destination, source):
    action = make_action(destination, "lead", "create")
    send(source, lead("u1"))
    pending = Delivery.objects.get(action=action)
    shown = team.client_for("owner").get(data_out_url(destination)).content.decode()
    assert f'name="watch" value="{pending.pk}"' in shown
    deliver(action)

    response = team.client_for("owner").get(
        data_out_url(destination, after=pending.pk, watch=pending.pk), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert re.search(rf'<tr id="delivery-{pending.pk}" class="status-delivered" hx-swap-oob="true">', html)
    assert Delivery.objects.get(pk=pending.pk).status == Status.DELIVERED


def test_a_poll_with_nothing_new_adds_no_rows(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    delivery = Delivery.objects.get(action=action)

    response = team.client_for("owner").get(
        data_out_url(destination, after=delivery.pk), HTTP_HX_REQUEST="true"
    )

    assert "<tr" not in response.content.decode()


def test_it_says_when_sending_is_paused_for_the_api_quota(team, sf, destination):
    destination.paused_until = timezone.now() + timedelta(minutes=15)
    destination.save()

    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert "daily API quota is spent: sending is paused until" in html


def test_it_says_when_the_destination_is_disabled(team, sf, destination):
    destination.enabled = False
    destination.save()

    html = team.client_for("owner").get(data_out_url(destination)).content.decode()

    assert "This destination is disabled: it receives no new events." in html


def test_an_outsider_cannot_reach_our_delivery_through_their_own_destination(team, sf, destination, source):
    action = sent(sf, destination, source, lead("u1"))
    ours = Delivery.objects.get(action=action)
    Delivery.objects.filter(pk=ours.pk).update(status=Status.FAILED)
    elsewhere = Membership.objects.get(user=team.outsider).workspace
    theirs = Destination.objects.create(workspace=elsewhere, name="Their org")
    client = team.client_for("outsider")
    kwargs = {"workspace_id": elsewhere.pk, "destination_id": theirs.pk, "delivery_id": ours.pk}

    assert client.get(reverse("deliveries:detail", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("deliveries:retry", kwargs=kwargs)).status_code == 404
    assert Delivery.objects.get(pk=ours.pk).status == Status.FAILED
    listed = client.get(data_out_url(theirs, q="u1")).content.decode()
    exported = b"".join(client.get(data_out_url(theirs, "export-csv")).streaming_content).decode()
    assert f"delivery-{ours.pk}" not in listed
    assert exported.strip().count("\n") == 0  # the header alone


def test_it_groups_recent_failures_by_error_and_links_each_group(team, sf, destination, source):
    block_emails(sf.org)
    action = sent(sf, destination, source, lead("u1", "u1@blocked.example"), lead("u2", "u2@blocked.example"))
    client = team.client_for("owner")

    html = client.get(data_out_url(destination)).content.decode()
    listed = client.get(data_out_url(destination, status="failed", error="FIELD_CUSTOM_VALIDATION_EXCEPTION"))

    assert "Why deliveries failed" in html
    assert (
        '<a href="?status=failed&amp;range=24h&amp;error=FIELD_CUSTOM_VALIDATION_EXCEPTION">'
        '<strong>FIELD_CUSTOM_VALIDATION_EXCEPTION</strong></a> <span class="count">&times; 2</span>'
    ) in html
    shown = set(re.findall(r'<tr id="delivery-(\d+)"', listed.content.decode()))
    assert shown == {str(pk) for pk in Delivery.objects.filter(action=action).values_list("pk", flat=True)}
    assert "that failed with <code>FIELD_CUSTOM_VALIDATION_EXCEPTION</code>" in listed.content.decode()
